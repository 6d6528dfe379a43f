import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { x1 } from './x1.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/x1-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", dsnAction: "failed", diagnostic: "User unknown" },
]

test('X1 reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = x1.inquire(fixture('x1-01.eml'))
  assert.ok(found, 'x1-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'x1-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `x1-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `x1-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('X1 returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(x1.inquire(plain), undefined)
})
