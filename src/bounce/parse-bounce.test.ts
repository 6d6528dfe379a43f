import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseBounce } from './parse-bounce.ts'
import { MAX_RECIPIENTS_PER_MAIL } from './mail/index.ts'

function dsn(recipients: number, original: string): string {
  const groups = Array.from({ length: recipients }, (_, i) =>
    `Final-Recipient: rfc822; user${i}@example.jp\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <user${i}@example.jp>... User unknown\n`)
  return [
    'From: MAILER-DAEMON@mx.example.com',
    'To: sender@example.com',
    'Subject: Delivery Status Notification (Failure)',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    groups.join('\n'),
    '--b1',
    'Content-Type: message/rfc822',
    '',
    original,
    '--b1--',
    '',
  ].join('\n')
}

const ORIGINAL = [
  'From: sender@example.com',
  'To: user0@example.jp',
  'Subject: hello',
  'Message-ID: <m-1@example.com>',
  'X-Todoku-Message: m-1',
  'Received: from a.example.com by b.example.com',
  'X-Todoku-Tenant: first',
  'X-Todoku-Tenant: second',
  '',
  'Hello.',
].join('\n')

test('describes the returned message: its identifiers and todoku\'s own headers, the last of a repeated one', () => {
  const [first] = parseBounce(dsn(1, ORIGINAL))
  assert.equal(first.recipient, 'user0@example.jp')
  assert.equal(first.original.messageId, '<m-1@example.com>')
  assert.equal(first.original.subject, 'hello')
  assert.deepEqual(first.original.todokuHeaders, { 'x-todoku-message': 'm-1', 'x-todoku-tenant': 'second' })
})

test('answers for at most MAX_RECIPIENTS_PER_MAIL recipients of a forged report', () => {
  const results = parseBounce(dsn(MAX_RECIPIENTS_PER_MAIL + 5, ORIGINAL))
  assert.equal(results.length, MAX_RECIPIENTS_PER_MAIL)
  assert.equal(results[0].recipient, 'user0@example.jp')
  assert.equal(results.at(-1)!.recipient, `user${MAX_RECIPIENTS_PER_MAIL - 1}@example.jp`)
})
