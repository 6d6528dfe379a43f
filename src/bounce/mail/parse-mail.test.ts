import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseMail, partBytes, htmlToText, type ParsedMail } from './parse-mail.ts'

/** Joins lines (text, or raw octets as a Buffer) into a mail with the given line end. */
function mail(lines: readonly (string | Buffer)[], eol = '\n'): Buffer {
  const chunks: Buffer[] = []
  for (const line of lines) chunks.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, Buffer.from(eol))
  return Buffer.concat(chunks)
}

// A Postfix-style DSN, written here: the notice, the delivery-status and the returned message.
const REPORT = [
  'Return-Path: <>',
  'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
  'To: sender@example.com',
  'Subject: Undelivered Mail Returned to Sender',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="B0UND/ARY"',
  '',
  'This is a MIME-encapsulated message.',
  '',
  '--B0UND/ARY',
  'Content-Description: Notification',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'I\'m sorry to have to inform you that your message could not',
  'be delivered to one or more recipients.',
  '',
  '<nobody@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1',
  '    <nobody@example.jp>... User unknown (in reply to RCPT TO command)',
  '',
  '--B0UND/ARY',
  'Content-Description: Delivery report',
  'Content-Type: message/delivery-status',
  'Content-Transfer-Encoding: base64',
  '',
  // "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.jp\nAction: failed\nStatus: 5.1.1\n"
  Buffer.from('Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.jp\nAction: failed\nStatus: 5.1.1\n')
    .toString('base64').replace(/(.{60})/g, '$1\n').trim(),
  '',
  '--B0UND/ARY',
  'Content-Description: Undelivered Message',
  'Content-Type: message/rfc822',
  '',
  'Message-ID: <20260101120000.ABCDEF@example.com>',
  'From: sender@example.com',
  'To: nobody@example.jp',
  'Subject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=',
  'X-Todoku-Message: m-42',
  '',
  'Hello.',
  '',
  '--B0UND/ARY--',
]

/** What a source reads of a parsed mail, for comparing two parses. */
function facts(parsed: ParsedMail) {
  return {
    headers: parsed.headers.fields,
    text: parsed.text,
    deliveryStatus: parsed.deliveryStatus,
    feedbackReport: parsed.feedbackReport,
    original: parsed.original && { headers: parsed.original.headers.fields, text: parsed.original.text },
  }
}

test('reads a multipart/report: notice text, base64 delivery-status and the returned message', () => {
  const parsed = parseMail(mail(REPORT))
  assert.equal(parsed.headers.get('Subject'), 'Undelivered Mail Returned to Sender')
  assert.equal(parsed.root.contentType, 'multipart/report')
  assert.equal(parsed.root.params.boundary, 'B0UND/ARY')
  assert.match(parsed.text, /said: 550 5\.1\.1\n {4}<nobody@example\.jp>\.\.\. User unknown/)
  assert.doesNotMatch(parsed.text, /Reporting-MTA|Hello\./)
  assert.equal(parsed.deliveryStatus, 'Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.jp\nAction: failed\nStatus: 5.1.1\n')
})

test('gives the returned message its own headers: Message-ID, decoded Subject, X-Todoku-*', () => {
  const original = parseMail(mail(REPORT)).original
  assert.ok(original)
  assert.equal(original.headers.get('message-id'), '<20260101120000.ABCDEF@example.com>')
  assert.equal(original.headers.get('subject'), 'こんにちは')
  assert.equal(original.headers.get('x-todoku-message'), 'm-42')
  assert.equal(original.text.trim(), 'Hello.')
})

test('gives the same result for CRLF and LF line ends', () => {
  assert.deepEqual(facts(parseMail(mail(REPORT, '\r\n'))), facts(parseMail(mail(REPORT, '\n'))))
  assert.deepEqual(facts(parseMail(mail(REPORT, '\r\n').toString('latin1'))), facts(parseMail(mail(REPORT, '\n'))))
})

test('reads a text/rfc822-headers part as the returned message', () => {
  const parsed = parseMail(mail([
    'From: postmaster@example.jp',
    'Content-Type: multipart/report; report-type=delivery-status; boundary=xyz',
    '',
    '--xyz',
    'Content-Type: text/plain',
    '',
    'Delivery failed.',
    '--xyz',
    'Content-Type: text/rfc822-headers',
    '',
    'Message-Id: <hdr-only@example.com>',
    'Subject: Monthly news',
    '--xyz--',
  ]))
  assert.equal(parsed.original?.headers.get('Message-ID'), '<hdr-only@example.com>')
  assert.equal(parsed.original?.headers.get('subject'), 'Monthly news')
  assert.equal(parsed.text, 'Delivery failed.')
})

test('reads a base64 message/rfc822 part', () => {
  const enclosed = 'Message-ID: <b64@example.com>\nSubject: inside\n\nbody\n'
  const parsed = parseMail(mail([
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: message/rfc822',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(enclosed).toString('base64'),
    '--b--',
  ]))
  assert.equal(parsed.original?.headers.get('message-id'), '<b64@example.com>')
})

test('gives an attachment\'s exact bytes through partBytes (base64 undone, binary kept)', () => {
  const zipLike = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a, 0x80, 0x1f, 0x8b])
  const parsed = parseMail(mail([
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'A report is attached.',
    '--b',
    'Content-Type: application/zip; name="report.zip"',
    'Content-Disposition: attachment; filename="report.zip"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(zipLike).toString('base64'),
    '--b--',
  ]))
  const attachment = parsed.root.parts[1]
  assert.equal(attachment.contentType, 'application/zip')
  assert.deepEqual([...partBytes(attachment)], [...zipLike])
  assert.deepEqual([...partBytes(parsed.root)], [])
})

test('prefers text/plain in a multipart/alternative', () => {
  const parsed = parseMail(mail([
    'Content-Type: multipart/alternative; boundary=alt',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'plain twin',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>html twin</p>',
    '--alt--',
  ]))
  assert.equal(parsed.text, 'plain twin')
})

test('reads an HTML-only notice as text, without scripts, styles and tags', () => {
  const parsed = parseMail(mail([
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><head><title>x</title><style>p{}</style></head><body>',
    '<p>Delivery has failed to these recipients:</p><div>nobody@example.jp&nbsp;&lt;550&gt; &#x5B9B;&#20808;</div>',
    '<script>alert(1)</script></body></html>',
  ]))
  assert.match(parsed.text, /Delivery has failed to these recipients:\n/)
  assert.match(parsed.text, /nobody@example\.jp <550> 宛先/)
  assert.doesNotMatch(parsed.text, /<\/?[a-z]|alert|p\{\}/)
})

test('keeps an HTML part of a multipart/alternative that has no plain twin', () => {
  const parsed = parseMail(mail([
    'Content-Type: multipart/alternative; boundary=alt',
    '',
    '--alt',
    'Content-Type: text/html',
    '',
    '<b>only html</b>',
    '--alt--',
  ]))
  assert.equal(parsed.text.trim(), 'only html')
})

test('decodes ISO-2022-JP, Shift_JIS and EUC-JP bodies, and 8-bit text mislabelled as ISO-2022-JP', () => {
  const cases: [charset: string, hex: string][] = [
    ['ISO-2022-JP', '1b24423038406849544c401b2842'],
    ['Shift_JIS', '88b690e6957396be'],
    ['EUC-JP', 'b0b8c0e8c9d4ccc0'],
    ['iso-2022-jp', '88b690e6957396be'], // Shift_JIS octets under a 7-bit label, as some carriers send
    ['iso-2022-jp', 'b0b8c0e8c9d4ccc0'],
  ]
  for (const [charset, hex] of cases) {
    const parsed = parseMail(mail([`Content-Type: text/plain; charset="${charset}"`, 'Content-Transfer-Encoding: 8bit', '', Buffer.from(hex, 'hex')]))
    assert.equal(parsed.text.trim(), '宛先不明', `${charset} ${hex}`)
  }
})

test('joins quoted-printable soft line breaks in a body', () => {
  const parsed = parseMail(mail([
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '550-5.1.1 The email account that you tried to reach does not exist. Please t=',
    'ry double-checking the recipient=E2=80=99s email address.',
  ], '\r\n'))
  assert.equal(parsed.text.trim(), '550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient’s email address.')
})

test('decodes encoded-words in folded headers', () => {
  const parsed = parseMail(mail([
    'Subject: =?UTF-8?B?6YWN5L+h?=',
    ' =?UTF-8?B?5aSx5pWX?=',
    'X-Long: one',
    '\ttwo',
    '',
    'body',
  ]))
  assert.equal(parsed.headers.get('subject'), '配信失敗')
  assert.equal(parsed.headers.get('x-long'), 'one two')
})

test('takes the whole body of a non-MIME mail as its text', () => {
  const parsed = parseMail(mail(['From: MAILER-DAEMON', 'Subject: failure notice', '', 'Hi. This is the qmail-send program.', '', '<x@example.jp>:', 'Sorry, no mailbox here by that name.']))
  assert.equal(parsed.text, 'Hi. This is the qmail-send program.\n\n<x@example.jp>:\nSorry, no mailbox here by that name.\n')
  assert.equal(parsed.deliveryStatus, undefined)
  assert.equal(parsed.original, undefined)
})

test('reads a multipart whose boundary never appears as plain text', () => {
  const parsed = parseMail(mail(['Content-Type: multipart/mixed; boundary=missing', '', 'the notice is here']))
  assert.equal(parsed.text.trim(), 'the notice is here')
})

test('keeps the parts of a multipart whose closing boundary never comes', () => {
  const parsed = parseMail(mail([
    'Content-Type: multipart/report; boundary=open',
    '',
    '--open',
    'Content-Type: text/plain',
    '',
    'first',
    '--open',
    'Content-Type: message/delivery-status',
    '',
    'Status: 4.2.2',
  ]))
  assert.equal(parsed.text, 'first')
  assert.equal(parsed.deliveryStatus?.trim(), 'Status: 4.2.2')
})

test('leaves attachments out of the text', () => {
  const parsed = parseMail(mail([
    'Content-Type: multipart/mixed; boundary=m',
    '',
    '--m',
    'Content-Type: text/plain',
    '',
    'notice',
    '--m',
    'Content-Type: text/plain; name=log.txt',
    'Content-Disposition: attachment; filename=log.txt',
    '',
    'attached log',
    '--m',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQ=',
    '--m--',
  ]))
  assert.equal(parsed.text, 'notice')
})

test('reads a message/feedback-report part', () => {
  const parsed = parseMail(mail([
    'Content-Type: multipart/report; report-type=feedback-report; boundary=f',
    '',
    '--f',
    'Content-Type: text/plain',
    '',
    'This is an abuse report.',
    '--f',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    '--f--',
  ]))
  assert.equal(parsed.feedbackReport?.trim(), 'Feedback-Type: abuse')
})

test('reads a mail without a header section', () => {
  assert.equal(parseMail('\nonly a body').text, 'only a body')
  assert.equal(parseMail('no header here\nat all').text, 'no header here\nat all')
  assert.equal(parseMail('').text, '')
})

test('htmlToText turns block ends and <br> into line breaks and drops unknown entities as written', () => {
  assert.equal(htmlToText('a<br>b<br/>c</p>&bogus;&#0;'), 'a\nb\nc\n&bogus;')
})
