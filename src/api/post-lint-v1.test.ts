import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createPreflight } from '../content/index.ts'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createInjector } from '../injection/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { buildApi } from './index.ts'

async function setUp(t: TestContext) {
  const clock = createManualClock(Date.UTC(2026, 10, 2))
  const random = createSeededRandom(5)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const key = await store.createApiKey({ tenantId: 'tenant-a', name: 'k', scopes: ['messages:send'] })
  const preflight = createPreflight()
  const injector = createInjector({ store, clock, random, preflight, preflightPolicy: { default: 'warn', checks: { attachment: 'reject' } } })
  const app = buildApi({ store, injector, preflight, log: { info: () => {}, error: () => {} } })
  t.after(() => app.close())
  return { app, auth: { authorization: `Bearer ${key.token}` } }
}

const RAW_NO_DATE = 'From: Shop <news@example.jp>\r\nTo: taro@example.net\r\nSubject: Hi\r\nMessage-ID: <a@example.jp>\r\n\r\nhello\r\n'

test('POST /v1/lint with a raw message/rfc822 body answers its findings, errors first, ok false', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/lint', headers: { ...auth, 'content-type': 'message/rfc822' }, payload: RAW_NO_DATE })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json()
  assert.equal(body.ok, false)
  assert.equal(body.findings[0].id, 'header.date-missing')
  assert.ok(body.findings[0].why.length > 0 && body.findings[0].fix.length > 0)
})

test('POST /v1/lint?lang=ja answers in Japanese', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/lint?lang=ja', headers: { ...auth, 'content-type': 'message/rfc822' }, payload: RAW_NO_DATE })
  assert.equal(response.json().findings[0].message, 'Date フィールドがありません')
})

test('POST /v1/lint takes the JSON of POST /v1/messages: a structured bulk message without unsubscribe', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/lint', headers: auth, payload: { from: 'Shop <news@example.jp>', to: 'taro@example.net', subject: 'News', text: 'hello', bulk: true } })
  assert.equal(response.statusCode, 200, response.body)
  assert.deepEqual(response.json().findings.map((finding: { id: string }) => finding.id), ['unsubscribe.header-missing', 'unsubscribe.body-opt-out-missing'])
})

test('POST /v1/lint needs an API key', async (t) => {
  const { app } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/lint', headers: { 'content-type': 'message/rfc822' }, payload: RAW_NO_DATE })
  assert.equal(response.statusCode, 401)
})

test('POST /v1/messages answers warnings in findings, and a rejected check as 422 content_rejected with the findings', async (t) => {
  const { app, auth } = await setUp(t)
  const warned = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from: 'Shop <news@example.jp>', to: 'taro@example.net', subject: 'News', text: 'hello', bulk: true } })
  assert.equal(warned.statusCode, 202, warned.body)
  assert.equal(warned.json().findings[0].id, 'unsubscribe.header-missing')
  const refused = await app.inject({
    method: 'POST', url: '/v1/messages', headers: auth,
    payload: { from: 'Shop <news@example.jp>', to: 'taro@example.net', subject: 'Invoice', text: 'see attached', attachments: [{ filename: 'setup.exe', content: 'TVo=' }] },
  })
  assert.equal(refused.statusCode, 422, refused.body)
  const error = refused.json().error
  assert.equal(error.code, 'content_rejected')
  assert.equal(error.findings[0].id, 'attachment.dangerous-type')
  assert.deepEqual(error.fields.map((field: { field: string }) => field.field), ['content.attachment.dangerous-type'])
})
