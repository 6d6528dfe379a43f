import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { powermta } from './powermta.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/powermta-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", status: "5.1.1", dsnAction: "failed", remoteMta: "mx.example.jp", reason: "userunknown", diagnostic: "550 5.1.1 <nobody@example.jp>... User unknown" },
]

test('PowerMTA reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = powermta.inquire(fixture('powermta-01.eml'))
  assert.ok(found, 'powermta-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'powermta-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `powermta-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `powermta-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('PowerMTA returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(powermta.inquire(plain), undefined)
})
