import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { v5sendmail } from './v5sendmail.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/v5sendmail-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", replyCode: "550", dsnAction: "failed", command: "RCPT", remoteMta: "mail.example.jp", diagnostic: "550 <nobody@example.jp>... User unknown" },
  { recipient: "someone@example.net", replyCode: "550", dsnAction: "failed", diagnostic: "550 Host unknown (Authoritative answer from name server)" },
]

test('V5sendmail reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = v5sendmail.inquire(fixture('v5sendmail-01.eml'))
  assert.ok(found, 'v5sendmail-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'v5sendmail-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `v5sendmail-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `v5sendmail-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('V5sendmail returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(v5sendmail.inquire(plain), undefined)
})
