import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { exim } from './exim.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/exim-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", dsnAction: "failed", command: "RCPT", remoteMta: "mx.example.jp", diagnostic: "after RCPT TO:<nobody@example.jp>: 550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown" },
  { recipient: "gone@example.net", dsnAction: "failed", reason: "expired", diagnostic: "retry timeout exceeded" },
]

test('Exim reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = exim.inquire(fixture('exim-01.eml'))
  assert.ok(found, 'exim-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'exim-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `exim-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `exim-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('Exim returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(exim.inquire(plain), undefined)
})
