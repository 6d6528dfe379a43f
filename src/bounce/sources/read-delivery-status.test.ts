import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readDeliveryStatus } from './read-delivery-status.ts'

test('reads per-message fields once and one block per recipient, Action before Final-Recipient too', () => {
  const report = readDeliveryStatus([
    'Reporting-MTA: dsn; a1-2.smtp-out.amazonses.com',
    'Arrival-Date: Wed, 01 May 2024 10:00:00 +0000',
    '',
    'Action: failed',
    'Final-Recipient: rfc822; <one@example.jp>',
    'Status: 5.1.1 (bad destination mailbox address)',
    'Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.',
    ' 550 5.1.1 Please try again.',
    '',
    'Original-Recipient: rfc822;two@example.org',
    'Final-Recipient: rfc822; two@example.org',
    'Action: delayed',
    'Status: 4.4.7',
    'Remote-MTA: dns; mx.example.org',
  ].join('\n'))
  assert.equal(report.reportingMta, 'a1-2.smtp-out.amazonses.com')
  assert.equal(report.arrivalDate, 'Wed, 01 May 2024 10:00:00 +0000')
  assert.deepEqual(report.recipients.map((r) => [r.recipient, r.action, r.status, r.remoteMta]), [
    ['one@example.jp', 'failed', '5.1.1', undefined],
    ['two@example.org', 'delayed', '4.4.7', 'mx.example.org'],
  ])
  assert.equal(report.recipients[0].diagnosticCode, '550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 Please try again.')
})

test('splits two recipients written in one block', () => {
  const report = readDeliveryStatus('Final-Recipient: rfc822;a@example.jp\nStatus: 5.1.1\nFinal-Recipient: rfc822;b@example.jp\nStatus: 5.2.2\n')
  assert.deepEqual(report.recipients.map((r) => [r.recipient, r.status]), [['a@example.jp', '5.1.1'], ['b@example.jp', '5.2.2']])
})

test('returns no recipients for an empty or absent part', () => {
  assert.deepEqual(readDeliveryStatus(undefined).recipients, [])
  assert.deepEqual(readDeliveryStatus('\n\n').recipients, [])
})
