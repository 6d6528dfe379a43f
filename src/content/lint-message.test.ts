import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { defaultContentRules, lintMessage, type LintOptions } from './index.ts'
import { gatherFacts } from './message-facts.ts'
import { readMessage } from './read-message.ts'

const FIXTURES = new URL('../../test/fixtures/content/', import.meta.url)
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES)).toString('latin1')
const PLAIN = fixture('good-plain.eml')
const BULK = fixture('good-bulk-ja.eml')
const ATTACHMENT = fixture('good-attachment.eml')
const JIS = fixture('good-iso-2022-jp.eml')

const bytes = (latin1: string) => Buffer.from(latin1, 'latin1')
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1')
const b64 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('base64').replace(/.{76}/g, '$&\r\n')

/** Replace (value) or remove (undefined) a top-level header field, continuation lines included. */
function setHeader(message: string, name: string, value: string | undefined): string {
  const end = message.indexOf('\r\n\r\n')
  const lines = message.slice(0, end).split('\r\n')
  const out: string[] = []
  let skipping = false
  let replaced = false
  for (const line of lines) {
    if (skipping && /^[ \t]/.test(line)) continue
    skipping = false
    if (line.toLowerCase().startsWith(`${name.toLowerCase()}:`)) {
      skipping = true
      if (value !== undefined && !replaced) out.push(`${name}: ${value}`)
      replaced = true
      continue
    }
    out.push(line)
  }
  if (!replaced && value !== undefined) out.push(`${name}: ${value}`)
  return out.join('\r\n') + message.slice(end)
}

interface Built {
  readonly from?: string
  readonly headers?: Record<string, string>
  readonly text?: string
  readonly html?: string
  readonly attachments?: readonly { filename: string; type?: string; base64: string }[]
}

/** A well-formed message of the given parts (UTF-8 text, base64), for cases the fixtures do not cover. */
function build(spec: Built): string {
  const head = [
    `From: ${spec.from ?? 'Example Shop <orders@example.jp>'}`, 'To: taro@example.net', 'Subject: Test', 'Date: Mon, 02 Nov 2026 09:00:00 +0900',
    'Message-ID: <built.1@example.jp>', 'MIME-Version: 1.0', ...Object.entries(spec.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ]
  const leaf = (type: string, text: string) => `Content-Type: ${type}; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(utf8(text))}`
  const alternatives = [spec.text === undefined ? undefined : leaf('text/plain', spec.text), spec.html === undefined ? undefined : leaf('text/html', spec.html)].filter((part) => part !== undefined)
  let body = alternatives.length === 1 ? alternatives[0] : `Content-Type: multipart/alternative; boundary="alt"\r\n\r\n${alternatives.map((part) => `--alt\r\n${part}\r\n`).join('')}--alt--`
  if (spec.attachments !== undefined) {
    const files = spec.attachments.map((file) => `--mix\r\nContent-Type: ${file.type ?? 'application/octet-stream'}; name="${file.filename}"\r\nContent-Disposition: attachment; filename="${file.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${file.base64.trim().replace(/\n/g, '\r\n')}\r\n`)
    body = `Content-Type: multipart/mixed; boundary="mix"\r\n\r\n--mix\r\n${body}\r\n${files.join('')}--mix--`
  }
  return `${head.join('\r\n')}\r\n${body}\r\n`
}

const zip = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8')

interface Case {
  readonly id: string
  readonly message: string
  readonly options?: LintOptions
}

function nested(depth: number): string {
  let body = 'Content-Type: text/plain\r\n\r\ndeep\r\n'
  for (let level = 0; level < depth; level++) body = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${body}--b${level}--\r\n`
  return `From: a@example.jp\r\nDate: Mon, 02 Nov 2026 09:00:00 +0900\r\nMessage-ID: <n@example.jp>\r\nMIME-Version: 1.0\r\n${body}`
}

const BAD: readonly Case[] = [
  { id: 'header.from-missing', message: setHeader(PLAIN, 'From', undefined) },
  { id: 'header.from-invalid', message: setHeader(PLAIN, 'From', 'Example Shop <orders>') },
  { id: 'header.date-missing', message: setHeader(PLAIN, 'Date', undefined) },
  { id: 'header.date-invalid', message: setHeader(PLAIN, 'Date', '2026-11-02 09:00') },
  { id: 'header.message-id-missing', message: setHeader(PLAIN, 'Message-ID', undefined) },
  { id: 'header.message-id-invalid', message: setHeader(PLAIN, 'Message-ID', 'abc123') },
  { id: 'header.duplicate', message: PLAIN.replace('Date:', 'Subject: again\r\nDate:') },
  { id: 'header.line-too-long', message: setHeader(PLAIN, 'X-Long', 'a'.repeat(1000)) },
  { id: 'header.malformed-field', message: PLAIN.replace('Date:', 'this line is no field\r\nDate:') },
  { id: 'header.raw-8bit', message: setHeader(PLAIN, 'Subject', utf8('ご注文')) },
  { id: 'header.encoded-word-invalid', message: setHeader(PLAIN, 'Subject', '=?UTF-8?X?abc?=') },
  { id: 'header.encoded-word-invalid', message: setHeader(PLAIN, 'Subject', '=?x-klingon?B?YWJj?=') },
  { id: 'line.bare-cr-lf', message: ATTACHMENT.replace('Your invoice for November is attached', 'Your invoice\nfor November is attached') },
  { id: 'line.bare-cr-lf', message: ATTACHMENT.replace('Your invoice for November is attached', 'Your invoice\rfor November is attached') },
  { id: 'line.body-too-long', message: ATTACHMENT.replace('Your invoice for November', 'x'.repeat(1000)) },
  { id: 'mime.8bit-without-mime', message: ATTACHMENT.replace('Your invoice for November', utf8('請求書')) },
  { id: 'mime.version-missing', message: setHeader(PLAIN, 'MIME-Version', undefined) },
  { id: 'mime.boundary-missing', message: ATTACHMENT.replace('; boundary="mixed-1"', '') },
  { id: 'mime.boundary-not-found', message: ATTACHMENT.replace('boundary="mixed-1"', 'boundary="other-1"') },
  { id: 'mime.boundary-unclosed', message: ATTACHMENT.replace('--mixed-1--', '') },
  { id: 'mime.boundary-in-content', message: ATTACHMENT.replace('Your invoice for November is attached', '--mixed-1-and-more\r\nYour invoice') },
  { id: 'mime.boundary-invalid', message: ATTACHMENT.replaceAll('mixed-1', 'mixed@1') },
  { id: 'mime.structure-limit', message: nested(20) },
  { id: 'mime.charset-missing', message: PLAIN.replace('text/plain; charset=UTF-8', 'text/plain') },
  { id: 'mime.charset-unknown', message: PLAIN.replace('charset=UTF-8', 'charset=x-klingon') },
  { id: 'mime.charset-undecodable', message: PLAIN.replace('charset=UTF-8', 'charset=ISO-2022-JP') },
  { id: 'mime.charset-undecodable', message: JIS.replace('charset=ISO-2022-JP', 'charset=US-ASCII').replace('\x1b$B', '\x1b$B\xff') },
  { id: 'mime.transfer-encoding-invalid', message: PLAIN.replace('Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: x-uuencode') },
  { id: 'size.message-large', message: PLAIN, options: { sizes: { messageWarnBytes: 100 } } },
  { id: 'size.message-too-large', message: PLAIN, options: { sizes: { messageRejectBytes: 100 } } },
  { id: 'size.attachment-large', message: ATTACHMENT, options: { sizes: { attachmentWarnBytes: 50 } } },
  { id: 'size.attachment-too-large', message: ATTACHMENT, options: { sizes: { attachmentRejectBytes: 50 } } },
  { id: 'size.html-clipped', message: BULK, options: { sizes: { htmlClipBytes: 200 } } },
  { id: 'unsubscribe.header-missing', message: setHeader(BULK, 'List-Unsubscribe', undefined) },
  { id: 'unsubscribe.header-missing', message: PLAIN, options: { bulk: true } },
  { id: 'unsubscribe.one-click-missing', message: setHeader(BULK, 'List-Unsubscribe-Post', undefined) },
  { id: 'unsubscribe.body-opt-out-missing', message: setHeader(PLAIN, 'List-Unsubscribe', '<mailto:u@example.jp>'), options: { bulk: true } },
  { id: 'tokutei.sender-name-missing', message: setHeader(PLAIN, 'From', 'orders@example.jp'), options: { advertising: true } },
  { id: 'tokutei.opt-out-missing', message: PLAIN, options: { advertising: true } },
  { id: 'tokutei.postal-address-missing', message: PLAIN, options: { advertising: true } },
  { id: 'tokutei.contact-missing', message: PLAIN, options: { advertising: true } },
  { id: 'tokutei.postal-address-missing', message: build({ text: '【広告】期間限定セール！\nお問い合わせ: support@example.jp\n配信停止: https://example.jp/u' }) },
  { id: 'wording.urgent-threat', message: setHeader(PLAIN, 'Subject', 'Your account has been suspended') },
  { id: 'wording.urgent-threat', message: build({ text: 'お客様のアカウントが停止されました。至急ご確認ください。' }) },
  { id: 'link.text-domain-mismatch', message: build({ text: 'see html', html: '<p><a href="https://login.evil.example/x">www.paypal.com</a></p>' }) },
  { id: 'link.shortener', message: build({ text: 'More: https://bit.ly/3abcd' }) },
  { id: 'link.ip-literal', message: build({ text: 'Log in: http://192.0.2.10/login' }) },
  { id: 'from.display-name-domain', message: build({ from: '"paypal.com" <service@evil.example>', text: 'hello' }) },
  { id: 'from.display-name-brand', message: build({ from: 'PayPal Support <service@evil.example>', text: 'hello' }) },
  { id: 'from.display-name-brand', message: build({ from: `=?UTF-8?B?${Buffer.from('楽天カード').toString('base64')}?= <info@rakuten-secure.example>`, text: 'hello' }) },
  { id: 'from.dkim-domain-mismatch', message: setHeader(BULK, 'DKIM-Signature', 'v=1; a=rsa-sha256; d=esp.example; s=s1; h=from; bh=x; b=y') },
  { id: 'from.dkim-domain-mismatch', message: PLAIN, options: { signingDomains: ['esp.example'] } },
  { id: 'attachment.dangerous-type', message: build({ text: 'x', attachments: [{ filename: 'setup.exe', base64: 'TVo=' }] }) },
  { id: 'attachment.dangerous-type', message: build({ text: 'x', attachments: [{ filename: 'docs.zip', type: 'application/zip', base64: zip('exe-inside.zip.b64') }] }) },
  { id: 'attachment.macro-document', message: build({ text: 'x', attachments: [{ filename: 'report.xlsm', base64: 'UEs=' }] }) },
  { id: 'attachment.double-extension', message: build({ text: 'x', attachments: [{ filename: 'invoice.pdf.exe', base64: 'TVo=' }] }) },
  { id: 'attachment.nested-archive', message: build({ text: 'x', attachments: [{ filename: 'files.zip', type: 'application/zip', base64: zip('nested.zip.b64') }] }) },
  { id: 'attachment.encrypted-archive', message: build({ text: 'x', attachments: [{ filename: 'secret.zip', type: 'application/zip', base64: zip('encrypted.zip.b64') }] }) },
  { id: 'html.no-text-alternative', message: build({ html: '<p>Hello, your order has shipped and will arrive tomorrow.</p>' }) },
  { id: 'html.image-only', message: build({ text: 'sale', html: '<img src="https://img.example.jp/a.png"><img src="https://img.example.jp/b.png"><p>Sale</p>' }) },
  { id: 'html.hidden-text', message: build({ text: 'hi', html: '<p>Hello</p><div style="display:none">cheap pills free money</div>' }) },
  { id: 'html.hidden-text', message: build({ text: 'hi', html: '<p>Hello</p><span style="color:#ffffff">cheap pills free money</span>' }) },
  { id: 'html.hidden-text', message: build({ text: 'hi', html: '<p>Hello</p><span style="font-size:0px">cheap pills free money</span>' }) },
  { id: 'html.hidden-text', message: build({ text: 'hi', html: '<p>Hello</p><div title="a<b" style="visibility:hidden">cheap pills free money</div>' }) },
]

for (const { id, message, options } of BAD) {
  test(`${id} fires on its bad case`, () => {
    const findings = lintMessage(bytes(message), options)
    const found = findings.find((finding) => finding.id === id)
    assert.ok(found, `expected ${id}, got ${findings.map((finding) => finding.id).join(', ') || 'nothing'}`)
    assert.ok(found.message.length > 0 && found.why.length > 0 && found.fix.length > 0)
  })
}

const GOOD: readonly { name: string; message: string; options?: LintOptions }[] = [
  { name: 'a plain UTF-8 transactional message', message: PLAIN },
  { name: 'a Japanese bulk advertising newsletter with every display item, one-click unsubscribe and DKIM', message: BULK },
  { name: 'the same newsletter flagged bulk and advertising by the caller', message: BULK, options: { bulk: true, advertising: true, signingDomains: ['example.jp'] } },
  { name: 'an ISO-2022-JP message', message: JIS },
  { name: 'a message with a PDF and a zip of receipts', message: ATTACHMENT },
  { name: 'the plain message with LF line ends (a file saved on Unix)', message: PLAIN.replace(/\r\n/g, '\n') },
  { name: 'raw UTF-8 in the subject when sent with SMTPUTF8', message: setHeader(PLAIN, 'Subject', utf8('ご注文')), options: { smtpUtf8: true } },
  { name: 'a display name of the From domain itself', message: build({ from: '"example.jp" <orders@example.jp>', text: 'hello' }) },
  { name: 'hidden spacers holding only white space and &nbsp;', message: build({ text: 'hello', html: '<p>Hello</p><div style="display:none">&nbsp; &zwnj;&#8204;\u00a0</div><td style="font-size:0"> </td>' }) },
]

for (const { name, message, options } of GOOD) {
  test(`every check stays quiet on ${name}`, () => {
    assert.deepEqual(lintMessage(bytes(message), options).map((finding) => `${finding.id}: ${finding.message}`), [])
  })
}

test('every check id in data/content-rules/checks.toml has a bad case here (scanner ids in the scanner tests)', () => {
  const covered = new Set(BAD.map((entry) => entry.id))
  const missing = [...defaultContentRules().checks.keys()].filter((id) => !id.startsWith('scanner.') && !covered.has(id))
  assert.deepEqual(missing, [])
})

test('findings come in Japanese with lang ja', () => {
  const [finding] = lintMessage(bytes(setHeader(PLAIN, 'Date', undefined)), { lang: 'ja' })
  assert.equal(finding.message, 'Date フィールドがありません')
})

test('a finding says where: the header field and its line', () => {
  const finding = lintMessage(bytes(setHeader(PLAIN, 'Message-ID', 'abc123'))).find((entry) => entry.id === 'header.message-id-invalid')
  assert.deepEqual(finding?.where, { header: 'Message-ID', line: 5 })
})

test('errors come before warnings', () => {
  const findings = lintMessage(bytes(setHeader(setHeader(BULK, 'List-Unsubscribe-Post', undefined), 'Date', undefined)), { sizes: { htmlClipBytes: 10 } })
  const order = findings.map((finding) => finding.severity)
  assert.deepEqual(order, [...order].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)))
})

test('HTML of 200,000 "<" and no ">" is read in linear time (the tag pattern alone took 0.6 s for 20,000)', () => {
  const started = performance.now()
  lintMessage(bytes(build({ text: 'hello', html: `<p>Hello</p>${'<'.repeat(200_000)}` })))
  assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`)
})

test('a message whose line ends are all CRLF (its text kept as written) lints as the same message with LF line ends', () => {
  const line = fc.constantFrom(
    'Hello there.', '', ' ', 'Unsubscribe here: https://example.jp/u', 'Your account has been suspended', 'opt out', '配信停止'.replace(/./g, 'x'),
    '<p>Hi <a href="https://example.jp/x">https://bank.example.com</a></p>', '<span style="color:#fff">hidden words here</span>', '<img src="a.png">',
    '--b1', '--b1--', '--b2', 'x'.repeat(1200), 'a&amp;b', 'Contact us: +81 3-1234-5678', '〒100-0001'.replace(/[^\x00-\x7f]/g, '#'),
  )
  const type = fc.constantFrom('text/plain', 'text/html', 'multipart/alternative; boundary="b1"', 'multipart/mixed; boundary=b2', 'application/octet-stream; name="a.exe"')
  const headers = fc.array(fc.constantFrom('From: News <news@example.jp>', 'Subject: Weekly news', 'Subject: Your account will be closed', 'Date: Thu, 01 Jan 2026 00:00:00 +0000', 'Message-ID: <1@example.jp>', 'MIME-Version: 1.0', 'List-Unsubscribe: <https://example.jp/u>', ' folded', 'Content-Transfer-Encoding: 7bit'), { maxLength: 8 })
  const part = fc.tuple(type, headers, fc.array(line, { maxLength: 60 })).map(([contentType, fields, body]) => [`Content-Type: ${contentType}`, ...fields, '', ...body])
  fc.assert(fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.boolean(), (parts, endsWithNewLine) => {
    const lines = parts.flat()
    const lf = lines.join('\n') + (endsWithNewLine ? '\n' : '')
    const crlf = lines.join('\r\n') + (endsWithNewLine ? '\r\n' : '')
    assert.deepEqual(lintMessage(bytes(crlf)), lintMessage(bytes(lf)))
  }), { numRuns: 1500 })
})

test('a long CRLF text part is read for wording in windows counted in LF characters, as its LF form is', () => {
  const rules = defaultContentRules()
  const phrasesOf = (message: string) => [...gatherFacts(readMessage(bytes(message)), rules).phrases('optOut')]
  let found = 0
  // the phrase ends just inside or just outside the first and the last 3,000 characters of the LF text
  for (const filler of ['a\n', 'abcdefghi\n']) {
    for (let at = 2970; at <= 3010; at++) {
      const lead = filler.repeat(Math.ceil(at / filler.length)).slice(0, at)
      for (const body of [`${lead}unsubscribe${filler.repeat(3000)}`, `${filler.repeat(3000)}unsubscribe${lead}`]) {
        const lf = `From: a@example.jp\nSubject: x\n\n${body}`
        const phrases = phrasesOf(lf)
        assert.deepEqual(phrasesOf(lf.replace(/\n/g, '\r\n')), phrases, `${JSON.stringify(filler)} at ${at}`)
        found += phrases.length
      }
    }
  }
  assert.ok(found > 0 && found < 4 * 41, `the phrase is found near the window's edges and missed past them (${found} times)`)
})

test('a base64 attachment is checked for characters outside the alphabet, past 64 KiB in its first 64 KiB to a line end', () => {
  const ids = (message: string) => lintMessage(bytes(message)).map((finding) => finding.id).filter((id) => id === 'mime.transfer-encoding-invalid')
  const large = b64('\x00\x01\x02 binary '.repeat(8000)).replace(/\r\n/g, '\n')
  assert.ok(large.length > 96 * 1024)
  assert.deepEqual(ids(build({ text: 'x', attachments: [{ filename: 'a.bin', base64: large }] })), [])
  assert.deepEqual(ids(build({ text: 'x', attachments: [{ filename: 'a.bin', base64: 'QUJD!QUJD' }] })), ['mime.transfer-encoding-invalid'])
  // a stray character on the last whole line before the cut, and one past the check
  const lineBefore = large.lastIndexOf('\n', 64 * 1024) - 10
  assert.deepEqual(ids(build({ text: 'x', attachments: [{ filename: 'a.bin', base64: `${large.slice(0, lineBefore)}!${large.slice(lineBefore + 1)}` }] })), ['mime.transfer-encoding-invalid'])
  assert.deepEqual(ids(build({ text: 'x', attachments: [{ filename: 'a.bin', base64: `${large.slice(0, 80 * 1024)}!${large.slice(80 * 1024 + 1)}` }] })), [])
})
