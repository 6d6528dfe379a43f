import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { postfix } from './postfix.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/postfix-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", status: "5.1.1", dsnAction: "failed", command: "RCPT", remoteMta: "mx1.example.jp", diagnostic: "User unknown in local recipient table (in reply to RCPT TO command)" },
  { recipient: "full@example.jp", status: "4.2.2", dsnAction: "failed", command: "DATA", remoteMta: "mx1.example.jp", diagnostic: "Mailbox full, quota exceeded for this account (in reply to end of DATA command)" },
]

test('Postfix reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = postfix.inquire(fixture('postfix-01.eml'))
  assert.ok(found, 'postfix-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'postfix-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `postfix-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `postfix-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('Postfix returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(postfix.inquire(plain), undefined)
})
