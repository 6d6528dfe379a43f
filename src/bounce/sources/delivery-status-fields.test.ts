import assert from 'node:assert/strict'
import { test } from 'node:test'
import { asDsnAction, readDeliveryStatus } from './delivery-status-fields.ts'

test('reads per-message and per-recipient fields, without their types', () => {
  const report = readDeliveryStatus([
    'Reporting-MTA: dns; mx.example.com (tcp-daemon)',
    'Arrival-Date: Thu, 29 Apr 2010 10:00:00 +0900',
    '',
    'Final-Recipient: rfc822;alice@example.com',
    'Action: failed',
    'Status: 5.1.1 (Remote SMTP server has rejected address)',
    'Remote-MTA: dns;mx.example.jp (TCP|192.0.2.1|47323|192.0.2.25|25)',
    ' (mx.example.jp ESMTP)',
    'Diagnostic-Code: X-Notes; Error transferring to mx.example.jp; Ma',
    ' ximum hop count exceeded.',
  ].join('\n'))
  assert.equal(report.reportingMta, 'mx.example.com')
  assert.equal(report.arrivalDate, 'Thu, 29 Apr 2010 10:00:00 +0900')
  assert.deepEqual(report.recipients[0], {
    recipient: 'alice@example.com',
    action: 'failed',
    status: '5.1.1',
    diagnosticCode: 'Error transferring to mx.example.jp; Ma ximum hop count exceeded.',
    diagnosticType: 'X-Notes',
    remoteMta: 'mx.example.jp',
    lastAttemptDate: undefined,
  })
})

test('accepts "Field : value", rfc/822 and a bare Original-Recipient', () => {
  const mimecast = readDeliveryStatus('Action : failed\nStatus : 5.0.0\nFinal-Recipient : rfc/822;bob@example.net\n')
  assert.equal(mimecast.recipients[0].recipient, 'bob@example.net')
  const mcafee = readDeliveryStatus('Original-Recipient: <carol@example.jp>\nAction: failed\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n')
  assert.equal(mcafee.recipients[0].recipient, 'carol@example.jp')
  assert.equal(mcafee.recipients[0].diagnosticCode, '550 5.1.1 User unknown')
})

test('skips groups without a recipient and text that is no field', () => {
  assert.deepEqual(readDeliveryStatus('Hello there.\nThis is no report.\n').recipients, [])
  assert.equal(asDsnAction('delayed'), 'delayed')
  assert.equal(asDsnAction('bounced'), undefined)
})
