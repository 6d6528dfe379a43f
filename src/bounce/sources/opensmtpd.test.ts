import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { opensmtpd } from './opensmtpd.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/opensmtpd-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", dsnAction: "failed", diagnostic: "550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown" },
  { recipient: "late@example.net", dsnAction: "failed", reason: "expired", diagnostic: "Envelope expired" },
]

test('OpenSMTPD reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = opensmtpd.inquire(fixture('opensmtpd-01.eml'))
  assert.ok(found, 'opensmtpd-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'opensmtpd-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `opensmtpd-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `opensmtpd-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('OpenSMTPD returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(opensmtpd.inquire(plain), undefined)
})
