import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { sendmail } from './sendmail.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/sendmail-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", status: "5.1.1", replyCode: "550", dsnAction: "failed", command: "RCPT", remoteMta: "mx.example.jp", diagnostic: "550 5.1.1 <nobody@example.jp>... No such user" },
]

describeSourceTable('Sendmail', sendmail, { 'sendmail-01.eml': EXPECTED })

itIgnoresPlainMail('Sendmail', sendmail)

test('Sendmail reports the Final-Recipient, not a program the address section lists, when the delivery-status fields sit in the text', () => {
  const notice = [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>',
    'To: <sender@example.com>',
    'Subject: Returned mail: Service unavailable',
    '',
    '   ----- The following addresses had permanent fatal errors -----',
    '"|IFS=\' \' && exec /usr/local/bin/procmail -f- || exit 75 #neko"',
    '    (expanded from: <neko@example.jp>)',
    '',
    '   ----- Transcript of session follows -----',
    '554 "|IFS=\' \' && exec /usr/local/bin/procmail -f- || exit 75 #neko"... Service unavailable',
    '',
    'Reporting-MTA: dns; mx.example.jp',
    '',
    'Final-Recipient: RFC822; neko@mx.example.jp',
    "X-Actual-Recipient: RFC822; |IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #neko@mx.example.jp",
    'Action: failed',
    'Status: 5.5.0',
    '',
  ].join('\n')
  const found = sendmail.inquire(parseMail(notice))
  assert.deepEqual(found?.recipients.map((each) => [each.recipient, each.status, each.reportingMta]), [['neko@mx.example.jp', '5.5.0', 'mx.example.jp']])
  assert.ok(found?.recipients[0].diagnosticCode?.includes('Service unavailable'))
})
