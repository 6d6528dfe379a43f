import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fullestDiagnostic, inlineDeliveryStatus, parseDeliveryStatus, rawFromDsn } from './delivery-status.ts'

test('reads one group per recipient, unfolding a folded Diagnostic-Code', () => {
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
  assert.equal(dsn.arrivalDate, 'Mon, 3 Mar 2025 09:58:01 +0900')
  assert.deepEqual(dsn.recipients.map((each) => [each.recipient, each.originalRecipient, each.action, each.status]), [
    ['a@example.jp', 'alias@example.com', 'failed', '5.1.1'],
    ['b@example.jp', 'b@example.jp', 'delayed', '4.4.7'],
  ])
  assert.equal(dsn.recipients[0].diagnosticCode, '550 5.1.1 <a@example.jp>: Recipient address rejected: User unknown')
  assert.equal(dsn.recipients[0].diagnosticType, 'smtp')
  assert.equal(dsn.recipients[0].remoteMta, 'mx1.example.jp')
  assert.equal(dsn.recipients[1].diagnosticType, 'x-unix')
  assert.equal(dsn.recipients[1].diagnosticCode, '71')
})

test('splits two recipients written without a blank line, and keeps per-message fields apart', () => {
  const dsn = parseDeliveryStatus([
    'Reporting-MTA: dns; mx.example.jp',
    'Final-Recipient: rfc822; a@example.com', 'Action: failed', 'Status: 5.1.1',
    'Final-Recipient: rfc822; b@example.com', 'Action: failed', 'Status: 5.2.2',
  ].join('\n'))
  assert.equal(dsn.reportingMta, 'mx.example.jp')
  assert.deepEqual(dsn.recipients.map((each) => [each.recipient, each.status]), [['a@example.com', '5.1.1'], ['b@example.com', '5.2.2']])
})

test('reads an Action written before Final-Recipient, and a bracketed recipient', () => {
  const dsn = parseDeliveryStatus([
    'Reporting-MTA: dsn; a1-2.smtp-out.amazonses.com',
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
  assert.equal(dsn.reportingMta, 'a1-2.smtp-out.amazonses.com')
  assert.deepEqual(dsn.recipients.map((r) => [r.recipient, r.action, r.status, r.remoteMta]), [
    ['one@example.jp', 'failed', '5.1.1', undefined],
    ['two@example.org', 'delayed', '4.4.7', 'mx.example.org'],
  ])
  assert.equal(dsn.recipients[0].diagnosticCode, '550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 Please try again.')
})

test('strips comments from Reporting-MTA and Remote-MTA and keeps a diagnostic type as a word', () => {
  const dsn = parseDeliveryStatus([
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
  assert.equal(dsn.reportingMta, 'mx.example.com')
  assert.deepEqual(dsn.recipients[0], {
    recipient: 'alice@example.com',
    originalRecipient: undefined,
    action: 'failed',
    status: '5.1.1',
    statusText: '5.1.1 (Remote SMTP server has rejected address)',
    remoteMta: 'mx.example.jp',
    diagnosticCode: 'Error transferring to mx.example.jp; Ma ximum hop count exceeded.',
    diagnosticType: 'x-notes',
    lastAttemptDate: undefined,
  })
})

test('tolerates malformed Action and Status values', () => {
  const dsn = parseDeliveryStatus([
    'Final-Recipient: rfc822; a@example.jp', 'Action: failure', 'Status: 553 5.3.0 Message too large',
    '',
    'Final-Recipient: rfc822; b@example.jp', 'Action: Delayed', 'Status: 4.0.0 (still trying)',
    '',
    'Final-Recipient: rfc822; c@example.jp', 'Action: failed (bad destination mailbox address)', 'Status: 5.1.1',
    '',
    'Final-Recipient: rfc822; d@example.jp', 'Action: bounced', 'Status: none',
  ].join('\n'))
  assert.deepEqual(dsn.recipients.map((r) => [r.action, r.status]), [
    ['failed', '5.3.0'], ['delayed', '4.0.0'], ['failed', '5.1.1'], [undefined, undefined],
  ])
})

test('accepts "Field : value", rfc/822 and a bare Original-Recipient', () => {
  const mimecast = parseDeliveryStatus('Action : failed\nStatus : 5.0.0\nFinal-Recipient : rfc/822;bob@example.net\n')
  assert.equal(mimecast.recipients[0].recipient, 'bob@example.net')
  const mcafee = parseDeliveryStatus('Original-Recipient: <carol@example.jp>\nAction: failed\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n')
  assert.equal(mcafee.recipients[0].recipient, 'carol@example.jp')
  assert.equal(mcafee.recipients[0].diagnosticCode, '550 5.1.1 User unknown')
})

test('takes the Final-Recipient over a pipe in X-Actual-Recipient, and X-Actual-Recipient when it is the only address', () => {
  const sendmail = parseDeliveryStatus([
    'Final-Recipient: RFC822; kijitora@example.jp',
    "X-Actual-Recipient: RFC822; |IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #kijitora@example.jp",
    'Action: failed',
  ].join('\n'))
  assert.equal(sendmail.recipients[0].recipient, 'kijitora@example.jp')
  const routed = parseDeliveryStatus('Final-Recipient: RFC822; @mx.example.org\nX-Actual-Recipient: rfc822; neko@example.org\nAction: failed\n')
  assert.equal(routed.recipients[0].recipient, 'neko@example.org')
  const piped = parseDeliveryStatus("Final-Recipient: RFC822; |/usr/bin/procmail\nAction: failed\n")
  assert.deepEqual(piped.recipients, [])
})

test('returns no recipients for an empty or absent part, or text that is no report', () => {
  assert.deepEqual(parseDeliveryStatus(undefined).recipients, [])
  assert.deepEqual(parseDeliveryStatus('\n\n').recipients, [])
  assert.deepEqual(parseDeliveryStatus('Hello there.\nThis is no report.\n').recipients, [])
})

test('makes a RawRecipient carrying the per-message Reporting-MTA and Arrival-Date', () => {
  const report = parseDeliveryStatus('Reporting-MTA: dns; mx.example.com\nArrival-Date: Mon, 3 Mar 2025 09:58:01 +0900\n\nFinal-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\n')
  assert.deepEqual(rawFromDsn(report.recipients[0], report), {
    recipient: 'a@example.jp',
    diagnosticCode: '552 5.2.2 Mailbox full',
    status: '5.2.2',
    dsnAction: 'failed',
    remoteMta: undefined,
    reportingMta: 'mx.example.com',
    arrivalDate: 'Mon, 3 Mar 2025 09:58:01 +0900',
    lastAttemptDate: undefined,
  })
})

test('finds a report written inline in a notice, from its per-message fields on', () => {
  const text = 'Your message could not be delivered.\n\nReporting-MTA: dns; mx.example.jp\n\nFinal-Recipient: rfc822; a@example.jp\nAction: failed\n'
  assert.equal(inlineDeliveryStatus(text), 'Reporting-MTA: dns; mx.example.jp\n\nFinal-Recipient: rfc822; a@example.jp\nAction: failed\n')
  assert.equal(inlineDeliveryStatus('Hello.\n'), undefined)
})

test('prefers the most complete of several diagnostic texts', () => {
  assert.equal(fullestDiagnostic(undefined, '550 User unknown', 'host mx.example.jp said: 550 User unknown (in reply to RCPT TO command)'),
    'host mx.example.jp said: 550 User unknown (in reply to RCPT TO command)')
  assert.equal(fullestDiagnostic('', '  '), undefined)
})
