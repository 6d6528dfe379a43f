import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { verizon } from './verizon.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>> = {
  "verizon-01.eml": [
    {
      "recipient": "2125550100@vzwpix.com",
      "diagnostic": "No valid recipients for this MM",
      "reason": "userunknown"
    }
  ]
}

const FIELDS = ['status', 'replyCode', 'dsnAction', 'command', 'reason', 'remoteMta', 'feedbackType'] as const

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../../test/fixtures/bounces/${name}`, import.meta.url))
}

for (const [name, rows] of Object.entries(expected)) {
  test(`Verizon reads every recipient of ${name}`, () => {
    const found = verizon.inquire(parseMail(fixture(name)))?.recipients ?? []
    assert.deepEqual(found.map((r) => r.recipient), rows.map((row) => row.recipient), name)
    rows.forEach((row, i) => {
      for (const field of FIELDS) assert.equal(found[i][field], row[field], `${name} ${row.recipient} ${field}`)
      if (row.diagnostic !== undefined) assert.ok(found[i].diagnosticCode?.includes(row.diagnostic), `${name} ${row.recipient}: ${found[i].diagnosticCode}`)
    })
  })
}

test('Verizon leaves a plain mail that is no bounce to the other sources', () => {
  const plain = 'From: friend@example.com\nTo: me@example.jp\nSubject: lunch\nMessage-ID: <1@example.com>\n\nNoon at the usual place?\n'
  assert.equal(verizon.inquire(parseMail(plain)), undefined)
})
