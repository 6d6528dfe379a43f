import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseMail } from '../mail/index.ts'
import type { RawRecipient } from './types.ts'
import { sendmail } from './sendmail.ts'

const fixture = (file: string) => parseMail(readFileSync(new URL(`../../../test/fixtures/bounces/${file}`, import.meta.url)))

// One row per recipient of test/fixtures/bounces/sendmail-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED = [
  { recipient: "nobody@example.jp", status: "5.1.1", replyCode: "550", dsnAction: "failed", command: "RCPT", remoteMta: "mx.example.jp", diagnostic: "550 5.1.1 <nobody@example.jp>... No such user" },
]

test('Sendmail reads every recipient of its notice, with status, command and the remote reply', () => {
  const found = sendmail.inquire(fixture('sendmail-01.eml'))
  assert.ok(found, 'sendmail-01.eml: not recognised')
  assert.equal(found.recipients.length, EXPECTED.length, 'sendmail-01.eml: recipient count')
  for (const [i, want] of EXPECTED.entries()) {
    const got: RawRecipient = found.recipients[i]
    const { diagnostic, ...fields } = want
    for (const [key, value] of Object.entries(fields)) assert.equal(got[key as keyof typeof got], value, `sendmail-01.eml ${want.recipient}: ${key}`)
    assert.ok(got.diagnosticCode?.includes(diagnostic), `sendmail-01.eml ${want.recipient}: diagnostic ${got.diagnosticCode}`)
  }
})

test('Sendmail returns undefined for a plain mail', () => {
  const plain = parseMail('From: Alice <alice@example.com>\nTo: bob@example.jp\nSubject: Lunch on Friday?\nMessage-ID: <lunch-1@example.com>\n\nThe mail system at work is slow today.\n')
  assert.equal(sendmail.inquire(plain), undefined)
})

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
