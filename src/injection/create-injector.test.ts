import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import Encoding from 'encoding-japanese'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { createInjector, type InjectRequest, type InjectResult } from './index.ts'

const NOW_MS = Date.UTC(2026, 0, 15, 9, 30)

async function setUp(t: TestContext, limits?: { maxMessageBytes?: number; maxRecipients?: number }) {
  const clock = createManualClock(NOW_MS)
  const random = createSeededRandom(42)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  await store.putDomain({ name: 'other.example', tenantId: 'tenant-b', dkimKeys: [], requireTls: false })
  let queuedCalls = 0
  const injector = createInjector({ store, clock, random, ...(limits === undefined ? {} : { limits }), onQueued: () => queuedCalls++ })
  async function inject(request: Omit<InjectRequest, 'tenantId'>): Promise<InjectResult> {
    return injector.inject({ tenantId: 'tenant-a', ...request })
  }
  async function contentOf(result: InjectResult): Promise<string> {
    assert.ok(result.ok, JSON.stringify(result))
    return Buffer.from((await store.getMessageContent(result.messageId))!).toString('latin1')
  }
  return { store, inject, contentOf, queuedCalls: () => queuedCalls }
}

function headerSection(content: string): string {
  return content.slice(0, content.indexOf('\r\n\r\n') + 2)
}

/** RFC 2047 B-encoded words, decoded (enough for these tests). */
function decodeWords(value: string): string {
  return value.replace(/\r\n[ \t]/g, ' ').replace(/=\?([^?]+)\?B\?([^?]*)\?=\s*(?==\?)/gi, '=?$1?B?$2?=').replace(/=\?([^?]+)\?B\?([^?]*)\?=/gi, (_, charset: string, data: string) => {
    const bytes = Buffer.from(data, 'base64')
    return charset.toLowerCase() === 'iso-2022-jp' ? Encoding.codeToString(Encoding.convert([...bytes], { to: 'UNICODE', from: 'JIS' })) : bytes.toString('utf8')
  })
}

function headerValue(content: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:(.*(?:\\r\\n[ \\t].*)*)`, 'mi').exec(headerSection(content))
  return match?.[1].trim()
}

test('composes a structured message: Japanese subject encoded, Message-ID at the sending domain, Date from the clock', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const subject = '【重要】ご注文の確認：長い件名が正しく折り返されて復元されることを確かめます'
  const result = await inject({ message: { from: '山田 太郎 <taro@example.jp>', to: 'hanako@example.com', subject, text: 'こんにちは\n世界', html: '<p>こんにちは</p>' } })
  const content = await contentOf(result)
  assert.doesNotMatch(content, /[^\x00-\x7f]/, 'the composed message is 7-bit')
  assert.equal(decodeWords(headerValue(content, 'Subject')!), subject)
  assert.match(decodeWords(headerValue(content, 'From')!), /山田 太郎 <taro@example.jp>/)
  assert.match(headerValue(content, 'Message-ID')!, /^<[0-9a-z]{26}@example\.jp>$/)
  assert.equal(headerValue(content, 'Date'), 'Thu, 15 Jan 2026 09:30:00 +0000')
  assert.match(content, /multipart\/alternative/)
  assert.doesNotMatch(content, /[^\r]\n/, 'CRLF line ends only')
})

test('keeps Bcc out of the headers while every Bcc recipient is queued', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const result = await inject({ message: { from: 'taro@example.jp', to: 'a@example.com', cc: ['b@example.com'], bcc: 'secret@example.com, a@example.com', text: 'x' } })
  assert.ok(result.ok)
  assert.deepEqual(result.recipients.map((r) => r.address), ['a@example.com', 'b@example.com', 'secret@example.com'])
  const content = await contentOf(result)
  assert.doesNotMatch(content, /secret@example\.com/)
  assert.doesNotMatch(headerSection(content), /^Bcc:/mi)
})

test('passes List-Unsubscribe and List-Unsubscribe-Post through', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const content = await contentOf(await inject({ message: {
    from: 'news@example.jp', to: 'a@example.com', text: 'x',
    headers: { 'List-Unsubscribe': '<https://example.jp/u/1>, <mailto:u@example.jp>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  } }))
  assert.equal(headerValue(content, 'List-Unsubscribe'), '<https://example.jp/u/1>, <mailto:u@example.jp>')
  assert.equal(headerValue(content, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click')
})

test('keeps a given Message-ID and composes attachments from base64 content', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const content = await contentOf(await inject({ message: {
    from: 'taro@example.jp', to: 'a@example.com', text: 'see attached', messageId: '<order-1@example.jp>',
    attachments: [{ filename: '請求書.pdf', content: Buffer.from('%PDF-1.4 test').toString('base64'), contentType: 'application/pdf' }],
  } }))
  assert.equal(headerValue(content, 'Message-ID'), '<order-1@example.jp>')
  assert.match(content, /Content-Type: application\/pdf/)
  assert.match(content, new RegExp(Buffer.from('%PDF-1.4 test').toString('base64')))
})

test('encodes text and subject in ISO-2022-JP when asked, for older carrier handsets', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const content = await contentOf(await inject({ message: { from: 'taro@example.jp', to: 'hanako..@docomo.ne.jp', subject: 'お知らせｶﾀｶﾅ', text: 'こんにちは', charset: 'iso-2022-jp' } }))
  assert.match(headerValue(content, 'Subject')!, /^=\?ISO-2022-JP\?B\?/)
  assert.equal(decodeWords(headerValue(content, 'Subject')!), 'お知らせカタカナ')
  assert.match(content, /charset=ISO-2022-JP/i)
  const body = Buffer.from(content.slice(content.indexOf('\r\n\r\n') + 4), 'base64')
  assert.ok(body.includes('\x1b$B'), 'the body is ISO-2022-JP (ESC $ B)')
  assert.equal(Encoding.codeToString(Encoding.convert([...body], { to: 'UNICODE', from: 'JIS' })), 'こんにちは')
})

test('refuses ISO-2022-JP for a character it can\'t carry, naming the field', async (t) => {
  const { inject } = await setUp(t)
  const result = await inject({ message: { from: 'taro@example.jp', to: 'a@example.com', subject: '寿司🍣', charset: 'iso-2022-jp' } })
  assert.ok(!result.ok)
  assert.equal(result.errors[0].field, 'subject')
  assert.match(result.errors[0].message, /ISO-2022-JP/)
})

test('names every bad address with its position and stores nothing', async (t) => {
  const { inject, store, queuedCalls } = await setUp(t)
  const result = await inject({ message: { from: 'taro@example.jp', to: ['a@example.com', 'b@example.com', 'taro@'], cc: 'c@exa_mple.com', text: 'x' } })
  assert.deepEqual(result, {
    ok: false, status: 400, code: 'invalid_message', errors: [
      { field: 'to[2]', message: '"taro@" is not an address: expected local@domain' },
      { field: 'cc', message: '"c@exa_mple.com" has a bad domain: "exa_mple.com" has the label "exa_mple": expected letters, digits and inner hyphens between dots' },
    ],
  })
  assert.deepEqual(await store.countRecipientsByState(), { queued: 0, leased: 0, delivered: 0, deferred: 0, failed: 0, expired: 0 })
  assert.equal(queuedCalls(), 0)
})

test('refuses header fields the structured fields own, saying which field to use', async (t) => {
  const { inject } = await setUp(t)
  const result = await inject({ message: { from: 'taro@example.jp', to: 'a@example.com', headers: { Bcc: 'x@example.com', 'X-Ok': 'fine', 'X-Bad': 'a\r\nBcc: y@example.com' } } })
  assert.ok(!result.ok)
  assert.deepEqual(result.errors.map((e) => e.field), ['headers.Bcc', 'headers.X-Bad'])
  assert.match(result.errors[0].message, /the `bcc` field/)
})

test('answers 422 when the From domain is not a sending domain of the account (another tenant\'s included)', async (t) => {
  const { inject } = await setUp(t)
  for (const from of ['taro@unknown.example', 'taro@other.example']) {
    const result = await inject({ message: { from, to: 'a@example.com', text: 'x' } })
    assert.ok(!result.ok)
    assert.equal(result.status, 422)
    assert.equal(result.code, 'sender_domain_not_configured')
    assert.equal(result.errors[0].field, 'from')
  }
})

test('answers 413 over the size limit and 422 over the recipient limit', async (t) => {
  const { inject } = await setUp(t, { maxMessageBytes: 2000, maxRecipients: 2 })
  const big = await inject({ message: { from: 'taro@example.jp', to: 'a@example.com', text: 'x'.repeat(3000) } })
  assert.ok(!big.ok)
  assert.equal(big.status, 413)
  const many = await inject({ message: { from: 'taro@example.jp', to: ['a@example.com', 'b@example.com', 'c@example.com'], text: 'x' } })
  assert.ok(!many.ok)
  assert.equal(many.status, 422)
  assert.equal(many.code, 'too_many_recipients')
})

test('an idempotency key replays the first answer and stores nothing new', async (t) => {
  const { inject, store, queuedCalls } = await setUp(t)
  const request = { idempotencyKey: 'order-42', message: { from: 'taro@example.jp', to: ['a@example.com', 'b@example.com'], text: 'x' } }
  const first = await inject(request)
  const second = await inject(request)
  assert.ok(first.ok && second.ok)
  assert.equal(second.isReplay, true)
  assert.equal(second.messageId, first.messageId)
  assert.deepEqual(second.recipients, first.recipients)
  assert.equal((await store.countRecipientsByState()).queued, 2)
  assert.equal(queuedCalls(), 1)
})

test('completes a raw message: CRLF line ends, Bcc removed, Date and Message-ID added', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const raw = Buffer.from('From: Taro <taro@example.jp>\nTo: a@example.com\nBcc: hidden@example.com\nSubject: hi\n\nbody line\n')
  const result = await inject({ raw, envelope: { mailFrom: 'taro@example.jp', recipients: ['a@example.com', 'hidden@example.com', 'taro..yamada.@docomo.ne.jp'] } })
  assert.ok(result.ok)
  assert.deepEqual(result.recipients.map((r) => r.address), ['a@example.com', 'hidden@example.com', 'taro..yamada.@docomo.ne.jp'])
  const content = await contentOf(result)
  assert.doesNotMatch(content, /hidden/)
  assert.doesNotMatch(content, /[^\r]\n/)
  assert.match(headerValue(content, 'Message-ID')!, /@example\.jp>$/)
  assert.equal(headerValue(content, 'Date'), 'Thu, 15 Jan 2026 09:30:00 +0000')
  assert.ok(content.endsWith('\r\n\r\nbody line\r\n'))
})

test('stores a raw message that needs nothing added byte for byte', async (t) => {
  const { inject, store } = await setUp(t)
  const raw = Buffer.from('From: taro@example.jp\r\nTo: a@example.com\r\nDate: Thu, 1 Jan 2026 00:00:00 +0900\r\nMessage-ID: <x@example.jp>\r\n\r\nbody\r\n')
  const result = await inject({ raw, envelope: { mailFrom: '', recipients: ['a@example.com'] } })
  assert.ok(result.ok)
  assert.deepEqual(Buffer.from((await store.getMessageContent(result.messageId))!), raw)
  assert.equal((await store.getMessage(result.messageId))?.mailFrom, '')
})

test('refuses a raw message without its envelope or From field, naming what is missing', async (t) => {
  const { inject } = await setUp(t)
  const noEnvelope = await inject({ raw: Buffer.from('From: taro@example.jp\r\n\r\nx') })
  assert.ok(!noEnvelope.ok)
  assert.equal(noEnvelope.errors[0].field, 'envelope')
  const noFrom = await inject({ raw: Buffer.from('To: a@example.com\r\n\r\nx'), envelope: { mailFrom: 'taro@example.jp', recipients: ['a@example.com'] } })
  assert.ok(!noFrom.ok)
  assert.equal(noFrom.errors[0].field, 'raw.headers.From')
  assert.match(noFrom.errors[0].message, /expected exactly one/)
})

test('sends plain-ASCII text and html as 7bit parts, long lines unchanged, and encodes the rest', async (t) => {
  const { inject, contentOf } = await setUp(t)
  const longLine = `${'word '.repeat(40)}end`
  const ascii = await contentOf(await inject({ message: { from: 'taro@example.jp', to: 'a@example.com', text: `${longLine}\nsecond`, html: `<p>${longLine}</p>` } }))
  assert.match(ascii, /Content-Type: multipart\/alternative/)
  assert.match(ascii, /Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n/)
  assert.ok(ascii.includes(`${longLine}\r\nsecond`))
  assert.ok(ascii.includes(`<p>${longLine}</p>`))
  assert.ok(ascii.indexOf('text/plain') < ascii.indexOf('text/html'), 'text before html')
  const japanese = await contentOf(await inject({ message: { from: 'taro@example.jp', to: 'a@example.com', text: 'plain', html: '<p>日本語</p>' } }))
  assert.doesNotMatch(japanese, /[^\x00-\x7f]/)
  assert.match(japanese, /text\/html; charset=utf-8\r\nContent-Transfer-Encoding: (base64|quoted-printable)/)
})
