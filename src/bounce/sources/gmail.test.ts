import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { gmail } from './gmail.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>> = {
  "gmail-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "dsnAction": "failed",
      "remoteMta": "mx.example.jp",
      "diagnostic": "550 5.1.1 <nobody@example.jp>... User Unknown"
    }
  ],
  "gmail-02.eml": [
    {
      "recipient": "nobody@example.org",
      "status": "5.1.1",
      "dsnAction": "failed",
      "remoteMta": "mx.example.org",
      "diagnostic": "User unknown in local recipient table"
    }
  ],
  // "(state 18)", the end of DATA, with only the catch-all 5.7.0: the recipient side's filter.
  "gmail-03.eml": [
    {
      "recipient": "reader@example.net",
      "dsnAction": "failed",
      "command": "DATA",
      "reason": "filtered",
      "remoteMta": "mx.example.net",
      "diagnostic": "550 550 5.7.0 Message refused by local rules (state 18)."
    }
  ]
}

const FIELDS = ['status', 'replyCode', 'dsnAction', 'command', 'reason', 'remoteMta', 'feedbackType'] as const

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../../test/fixtures/bounces/${name}`, import.meta.url))
}

for (const [name, rows] of Object.entries(expected)) {
  test(`Gmail reads every recipient of ${name}`, () => {
    const found = gmail.inquire(parseMail(fixture(name)))?.recipients ?? []
    assert.deepEqual(found.map((r) => r.recipient), rows.map((row) => row.recipient), name)
    rows.forEach((row, i) => {
      for (const field of FIELDS) assert.equal(found[i][field], row[field], `${name} ${row.recipient} ${field}`)
      if (row.diagnostic !== undefined) assert.ok(found[i].diagnosticCode?.includes(row.diagnostic), `${name} ${row.recipient}: ${found[i].diagnosticCode}`)
    })
  })
}

test('Gmail leaves a plain mail that is no bounce to the other sources', () => {
  const plain = 'From: friend@example.com\nTo: me@example.jp\nSubject: lunch\nMessage-ID: <1@example.com>\n\nNoon at the usual place?\n'
  assert.equal(gmail.inquire(parseMail(plain)), undefined)
})
