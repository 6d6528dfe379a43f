import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fullestDiagnostic, parseDeliveryStatus } from './delivery-status.ts'

test('reads one block per recipient, unfolding a folded Diagnostic-Code', () => {
  const dsn = parseDeliveryStatus([
    'Reporting-MTA: dns; mx.example.com',
    'Arrival-Date: Mon, 3 Mar 2025 09:58:01 +0900',
    '',
    'Final-Recipient: rfc822; a@example.jp',
    'Original-Recipient: rfc822;alias@example.com',
    'Action: failed',
    'Status: 5.1.1 (bad destination mailbox address)',
    'Remote-MTA: dns; mx1.example.jp',
    'Diagnostic-Code: smtp; 550 5.1.1 <a@example.jp>: Recipient address',
    '    rejected: User unknown',
    '',
    'Original-Recipient: rfc822;b@example.jp',
    'Final-Recipient: RFC822; b@example.jp',
    'Action: delayed',
    'Status: 4.4.7',
    'Diagnostic-Code: X-Unix; 71',
  ].join('\n'))
  assert.equal(dsn.reportingMta, 'mx.example.com')
  assert.deepEqual(dsn.recipients.map((each) => [each.recipient, each.originalRecipient, each.action, each.status]), [
    ['a@example.jp', 'alias@example.com', 'failed', '5.1.1'],
    ['b@example.jp', 'b@example.jp', 'delayed', '4.4.7'],
  ])
  assert.equal(dsn.recipients[0].diagnosticCode, '550 5.1.1 <a@example.jp>: Recipient address rejected: User unknown')
  assert.equal(dsn.recipients[0].remoteMta, 'mx1.example.jp')
  assert.equal(dsn.recipients[1].diagnosticType, 'x-unix')
})

test('splits blocks written without blank lines at a repeated field', () => {
  const dsn = parseDeliveryStatus('Final-Recipient: rfc822; a@example.jp\nStatus: 5.0.0\nFinal-Recipient: rfc822; b@example.jp\nStatus: 5.1.1\n')
  assert.deepEqual(dsn.recipients.map((each) => each.recipient), ['a@example.jp', 'b@example.jp'])
})

test('prefers the most complete of several diagnostic texts', () => {
  assert.equal(fullestDiagnostic(undefined, '550 User unknown', 'host mx.example.jp said: 550 User unknown (in reply to RCPT TO command)'),
    'host mx.example.jp said: 550 User unknown (in reply to RCPT TO command)')
  assert.equal(fullestDiagnostic('', '  '), undefined)
})
