import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { fallback } from './fallback.ts'

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url))

describe('Fallback', () => {
  it('finds the failed recipients of test/fixtures/bounces/fallback-01.eml and the words about each', () => {
    const found = fallback.inquire(parseMail(fixture('bounces/fallback-01.eml')))
    const rows = found?.recipients.map((r) => [r.recipient, r.diagnosticCode])
    assert.deepEqual(rows, [
      ['nobody@example.com', '<nobody@example.com>: 192.0.2.30 rejected the recipient. Remote host said: 550 5.1.1 <nobody@example.com>: mailbox unavailable'],
      ['full@example.org', 'full@example.org [552 Mailbox quota exceeded]'],
    ])
  })

  it('takes X-Failed-Recipients first', () => {
    const mail = 'From: Mail Delivery System <MAILER-DAEMON@mx.example.jp>\nTo: s@example.jp\nSubject: Mail delivery failed\nX-Failed-Recipients: a@example.com\n\nA message could not be delivered:\n\n  a@example.com\n    550 5.1.1 unknown user\n'
    const found = fallback.inquire(parseMail(mail))
    assert.deepEqual(found?.recipients.map((r) => [r.recipient, r.diagnosticCode]), [['a@example.com', 'a@example.com 550 5.1.1 unknown user']])
  })

  it('never reports the bounce\'s own addresses or advice addresses from a general scan', () => {
    const mail = 'From: MAILER-DAEMON@mx.example.jp\nTo: s@example.jp\nSubject: Undeliverable\n\nYour mail could not be delivered. Contact postmaster@mx.example.jp or s@example.jp.\n'
    assert.equal(fallback.inquire(parseMail(mail)), undefined)
  })

  for (const name of ['newsletter.eml', 'personal.eml', 'discussion-550.eml']) {
    it(`returns undefined for not-bounces/${name}`, () => {
      assert.equal(fallback.inquire(parseMail(fixture(`not-bounces/${name}`))), undefined)
    })
  }
})
