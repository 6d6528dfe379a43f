import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parseMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient } from './types.ts'

/**
 * A source's table test: what one source must read from each of our own fixtures
 * (test/fixtures/bounces/), one row per recipient, in order.
 */
export interface SourceRow {
  readonly recipient: string
  /** a substring of the recipient's diagnosticCode */
  readonly diagnostic?: string
  readonly status?: string
  readonly replyCode?: string
  readonly dsnAction?: string
  readonly command?: string
  readonly reason?: string
  readonly remoteMta?: string
  readonly reportingMta?: string
  readonly feedbackType?: string
}

/** The fields that, with `absentMeansUnset`, must be unset where a row leaves them out. */
const UNSET_UNLESS_GIVEN = ['status', 'replyCode', 'dsnAction', 'command', 'reason', 'remoteMta', 'feedbackType'] as const

export interface SourceTableOptions {
  /** a row that leaves out one of status, replyCode, dsnAction, command, reason, remoteMta, feedbackType says it is not set */
  readonly absentMeansUnset?: boolean
}

function readFixture(name: string): Buffer {
  return readFileSync(new URL(`../../../test/fixtures/bounces/${name}`, import.meta.url))
}

/**
 * One test per fixture: the source recognises it (unless no row is expected), reads exactly
 * the recipients of the rows in order, every field a row gives is equal, and `diagnostic`
 * is a substring of diagnosticCode.
 */
export function describeSourceTable(
  label: string,
  source: BounceSource,
  fixtures: Readonly<Record<string, readonly SourceRow[]>>,
  options: SourceTableOptions = {},
): void {
  for (const [name, rows] of Object.entries(fixtures)) {
    test(`${label} reads every recipient of ${name}`, () => {
      const found = source.inquire(parseMail(readFixture(name)))
      if (rows.length > 0) assert.ok(found, `${name}: not recognised`)
      const recipients = found?.recipients ?? []
      assert.deepEqual(recipients.map((r) => r.recipient), rows.map((row) => row.recipient), `${name}: recipients`)
      rows.forEach((row, i) => {
        const got = recipients[i] as unknown as Readonly<Record<string, unknown>> & RawRecipient
        const { diagnostic, ...fields } = row as SourceRow & Readonly<Record<string, string | undefined>>
        for (const [key, value] of Object.entries(fields)) assert.equal(got[key], value, `${name} ${row.recipient}: ${key}`)
        if (options.absentMeansUnset) {
          for (const key of UNSET_UNLESS_GIVEN) assert.equal(got[key], row[key], `${name} ${row.recipient}: ${key}`)
        }
        if (diagnostic !== undefined) assert.ok(got.diagnosticCode?.includes(diagnostic), `${name} ${row.recipient}: diagnostic ${got.diagnosticCode}`)
      })
    })
  }
}

/** Plain mails that are no bounce; every source must leave each of them to the others. */
const PLAIN_MAILS = [
  'From: alice@example.com\nTo: bob@example.jp\nSubject: Lunch\nMessage-ID: <1@example.com>\nDate: Mon, 1 Jun 2020 12:00:00 +0900\n\nSee you at noon.\n',
  'From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n',
  'From: friend@example.com\nTo: me@example.jp\nSubject: lunch\nMessage-ID: <1@example.com>\n\nNoon at the usual place?\n',
] as const

export function itIgnoresPlainMail(label: string, source: BounceSource): void {
  test(`${label} returns undefined for a plain mail`, () => {
    for (const plain of PLAIN_MAILS) assert.equal(source.inquire(parseMail(plain)), undefined, plain.split('\n', 3).join(' | '))
  })
}
