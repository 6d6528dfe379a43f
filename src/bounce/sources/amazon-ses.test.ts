import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { amazonSes } from './amazon-ses.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>> = {
  "amazonses-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "status": "5.1.1",
      "dsnAction": "failed",
      "diagnostic": "User unknown"
    },
    {
      "recipient": "late@example.org",
      "status": "4.4.7",
      "replyCode": "421",
      "dsnAction": "failed",
      "reason": "expired",
      "diagnostic": "421 4.4.0 Unable to connect (554 4.4.7 Message expired"
    }
  ],
  "amazonses-03.eml": [
    {
      "recipient": "full@example.jp",
      "status": "5.0.0",
      "replyCode": "550",
      "dsnAction": "failed",
      "remoteMta": "[192.0.2.25]",
      "diagnostic": "550 5.2.2 <full@example.jp>... Mailbox is full, it can't take more"
    }
  ],
  "amazonses-02.eml": [
    {
      "recipient": "reader@example.net",
      "reason": "feedback",
      "feedbackType": "abuse"
    }
  ]
}

const FIELDS = ['status', 'replyCode', 'dsnAction', 'command', 'reason', 'remoteMta', 'feedbackType'] as const

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../../test/fixtures/bounces/${name}`, import.meta.url))
}

for (const [name, rows] of Object.entries(expected)) {
  test(`AmazonSES reads every recipient of ${name}`, () => {
    const found = amazonSes.inquire(parseMail(fixture(name)))?.recipients ?? []
    assert.deepEqual(found.map((r) => r.recipient), rows.map((row) => row.recipient), name)
    rows.forEach((row, i) => {
      for (const field of FIELDS) assert.equal(found[i][field], row[field], `${name} ${row.recipient} ${field}`)
      if (row.diagnostic !== undefined) assert.ok(found[i].diagnosticCode?.includes(row.diagnostic), `${name} ${row.recipient}: ${found[i].diagnosticCode}`)
    })
  })
}

test('AmazonSES leaves a plain mail that is no bounce to the other sources', () => {
  const plain = 'From: friend@example.com\nTo: me@example.jp\nSubject: lunch\nMessage-ID: <1@example.com>\n\nNoon at the usual place?\n'
  assert.equal(amazonSes.inquire(parseMail(plain)), undefined)
})
