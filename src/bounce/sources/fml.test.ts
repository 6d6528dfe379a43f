import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { fml } from './fml.ts'

// Our own sample (test/fixtures/bounces/fml-01.eml), one row per recipient.
const FIXTURE = new URL('../../../test/fixtures/bounces/fml-01.eml', import.meta.url)
const NOT_A_BOUNCE = 'From: alice@example.com\nTo: bob@example.jp\nSubject: Lunch\nMessage-ID: <1@example.com>\nDate: Mon, 1 Jun 2020 12:00:00 +0900\n\nSee you at noon.\n'

interface Row {
  recipient: string
  diagnostic: string
  status?: string
  dsnAction?: string
  command?: string
  reason?: string
  remoteMta?: string
  reportingMta?: string
}

const expected: Row[] = [
  { recipient: 'outsider@example.com', diagnostic: 'NOT MEMBER article from', reason: 'rejected' },
]

test('fml reads one row per recipient of its notice', () => {
  const found = fml.inquire(parseMail(readFileSync(FIXTURE)))
  assert.ok(found, 'the fixture is recognised')
  assert.equal(found.recipients.length, expected.length)
  expected.forEach((row, i) => {
    const got = found.recipients[i]
    assert.equal(got.recipient, row.recipient)
    assert.ok(got.diagnosticCode?.includes(row.diagnostic), `${row.recipient}: diagnostic ${got.diagnosticCode}`)
    for (const key of ['status', 'dsnAction', 'command', 'reason', 'remoteMta', 'reportingMta'] as const) {
      if (row[key] !== undefined) assert.equal(got[key], row[key], `${row.recipient}: ${key}`)
    }
  })
})

test('fml leaves a plain mail alone', () => {
  assert.equal(fml.inquire(parseMail(NOT_A_BOUNCE)), undefined)
})
