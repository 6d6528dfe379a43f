import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { rfc3464 } from './rfc3464.ts'

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url))

describe('RFC3464', () => {
  it('reads one row per recipient group of test/fixtures/bounces/rfc3464-01.eml', () => {
    const found = rfc3464.inquire(parseMail(fixture('bounces/rfc3464-01.eml')))
    assert.ok(found)
    const rows = found.recipients.map((r) => ({
      recipient: r.recipient, status: r.status, replyCode: r.replyCode, dsnAction: r.dsnAction, command: r.command, reason: r.reason,
    }))
    assert.deepEqual(rows, [
      { recipient: 'unknown-user@example.com', status: '5.1.1', replyCode: '550', dsnAction: 'failed', command: 'RCPT', reason: undefined },
      // "Action: Delayed (will retry)", "Status: 452 4.2.2 (mailbox full)": malformed, still read
      { recipient: 'mailbox-full@example.com', status: '4.2.2', replyCode: '452', dsnAction: 'delayed', command: undefined, reason: undefined },
      // "Action: failure" and "giving up": the MTA gave up after retrying
      { recipient: 'gone@example.org', status: '4.4.7', replyCode: '421', dsnAction: 'failed', command: undefined, reason: 'expired' },
      { recipient: 'ok@example.net', status: '2.0.0', replyCode: '250', dsnAction: 'delivered', command: undefined, reason: 'delivered' },
    ])
  })

  it('joins a folded Diagnostic-Code and strips its type', () => {
    const found = rfc3464.inquire(parseMail(fixture('bounces/rfc3464-01.eml')))
    assert.equal(found?.recipients[0].diagnosticCode,
      '550 5.1.1 <unknown-user@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)')
    assert.equal(found?.recipients[0].remoteMta, 'mx1.example.com')
    assert.equal(found?.recipients[0].reportingMta, 'mx.example.jp')
  })

  it('takes the human-readable line about a recipient when the group has no Diagnostic-Code', () => {
    const found = rfc3464.inquire(parseMail(fixture('bounces/rfc3464-01.eml')))
    assert.match(found?.recipients[1].diagnosticCode ?? '', /mailbox is over its quota/)
  })

  it('reads DSN fields written inline when the MIME structure is broken', () => {
    const mail = [
      'From: MAILER-DAEMON@mx.example.jp', 'Subject: Returned mail', '',
      'Reporting-MTA: dns; mx.example.jp', '',
      'Final-Recipient: RFC822; <someone@example.com>', 'Action: failed', 'Status: 5.1.1',
      'Diagnostic-Code: SMTP; 550 5.1.1 <someone@example.com>... User unknown', '',
    ].join('\n')
    const found = rfc3464.inquire(parseMail(mail))
    assert.equal(found?.recipients[0].recipient, 'someone@example.com')
    assert.equal(found?.recipients[0].reportingMta, 'mx.example.jp')
  })

  it('returns undefined for a mail that is not a DSN', () => {
    assert.equal(rfc3464.inquire(parseMail(fixture('not-bounces/personal.eml'))), undefined)
  })
})
