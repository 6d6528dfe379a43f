import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createInjector } from '../injection/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { buildApi } from './index.ts'

async function setUp(t: TestContext, limits?: { maxMessageBytes?: number }) {
  const clock = createManualClock(Date.UTC(2026, 0, 15))
  const random = createSeededRandom(3)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const full = await store.createApiKey({ tenantId: 'tenant-a', name: 'full', scopes: ['messages:send', 'messages:read'] })
  const readOnly = await store.createApiKey({ tenantId: 'tenant-a', name: 'dashboard', scopes: ['messages:read'] })
  const otherTenant = await store.createApiKey({ tenantId: 'tenant-b', name: 'b', scopes: ['messages:send', 'messages:read'] })
  const errors: { message: string; fields?: Record<string, unknown> }[] = []
  const injector = createInjector({ store, clock, random, ...(limits === undefined ? {} : { limits }) })
  const app = buildApi({ store, injector, log: { info: () => {}, error: (message, fields) => errors.push({ message, ...(fields === undefined ? {} : { fields }) }) } })
  t.after(() => app.close())
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  return { app, store, errors, auth: bearer(full.token), readOnlyAuth: bearer(readOnly.token), otherAuth: bearer(otherTenant.token) }
}

const message = { from: 'Taro <taro@example.jp>', to: ['hanako@example.com', 'taro..yamada.@docomo.ne.jp'], subject: 'こんにちは', text: 'hello' }

test('POST /v1/messages answers 202 with per-recipient ids, and GET shows them queued', async (t) => {
  const { app, auth } = await setUp(t)
  const posted = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { ...message, tags: ['welcome'], metadata: { user: '42' } } })
  assert.equal(posted.statusCode, 202, posted.body)
  const body = posted.json()
  assert.deepEqual(body.recipients.map((r: { address: string }) => r.address), ['hanako@example.com', 'taro..yamada.@docomo.ne.jp'])
  const got = await app.inject({ method: 'GET', url: `/v1/messages/${body.id}`, headers: auth })
  assert.equal(got.statusCode, 200, got.body)
  const view = got.json()
  assert.equal(view.id, body.id)
  assert.deepEqual(view.tags, ['welcome'])
  assert.deepEqual(view.metadata, { user: '42' })
  assert.equal(view.createdAt, '2026-01-15T00:00:00.000Z')
  assert.deepEqual(view.recipients.map((r: { id: string; state: string; attemptCount: number }) => [r.id, r.state, r.attemptCount]), body.recipients.map((r: { id: string }) => [r.id, 'queued', 0]))
})

test('a raw message in base64 with an envelope is queued', async (t) => {
  const { app, auth } = await setUp(t)
  const raw = Buffer.from('From: taro@example.jp\r\nTo: a@example.com\r\nSubject: raw\r\n\r\nbody\r\n').toString('base64')
  const posted = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { raw, envelope: { mailFrom: 'taro@example.jp', recipients: ['a@example.com'] } } })
  assert.equal(posted.statusCode, 202, posted.body)
})

test('the same Idempotency-Key answers the first message\'s ids again', async (t) => {
  const { app, auth } = await setUp(t)
  const headers = { ...auth, 'idempotency-key': 'signup-7' }
  const first = await app.inject({ method: 'POST', url: '/v1/messages', headers, payload: message })
  const second = await app.inject({ method: 'POST', url: '/v1/messages', headers, payload: message })
  assert.equal(second.statusCode, 202)
  assert.deepEqual(second.json(), first.json())
  assert.equal(second.headers['idempotent-replayed'], 'true')
})

test('400 names the bad recipient and says what was expected', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { ...message, to: ['a@example.com', 'b@example.com', 'taro@'] } })
  assert.equal(response.statusCode, 400)
  assert.deepEqual(response.json().error.fields, [{ field: 'to[2]', message: '"taro@" is not an address: expected local@domain' }])
  assert.equal(response.json().error.code, 'invalid_message')
})

test('400 names an unknown field instead of dropping it', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { ...message, attachements: [] } })
  assert.equal(response.statusCode, 400)
  assert.equal(response.json().error.fields[0].field, 'attachements')
  assert.match(response.json().error.fields[0].message, /unknown field/)
})

test('400 for a mailbox of the wrong shape points at the missing part', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { ...message, to: [{ name: 'Hanako' }] } })
  assert.equal(response.statusCode, 400)
  assert.deepEqual(response.json().error.fields, [{ field: 'to[0].address', message: 'missing: this field is required here' }])
})

test('400 for a body that is not JSON', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"from":' })
  assert.equal(response.statusCode, 400)
  assert.match(response.json().error.message, /JSON/)
})

test('401 without a key or with an unknown one, saying what to send', async (t) => {
  const { app } = await setUp(t)
  const none = await app.inject({ method: 'POST', url: '/v1/messages', payload: message })
  assert.equal(none.statusCode, 401)
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="todoku"')
  assert.match(none.json().error.message, /Authorization: Bearer tdk_/)
  const unknown = await app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: 'Bearer tdk_nope' }, payload: message })
  assert.equal(unknown.statusCode, 401)
  assert.match(unknown.json().error.message, /unknown or revoked/)
})

test('403 when the key lacks the scope, naming it', async (t) => {
  const { app, readOnlyAuth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: readOnlyAuth, payload: message })
  assert.equal(response.statusCode, 403)
  assert.match(response.json().error.message, /"dashboard" lacks the scope messages:send/)
})

test('404 for another tenant\'s message, as for one that never was', async (t) => {
  const { app, auth, otherAuth } = await setUp(t)
  const posted = (await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: message })).json()
  const other = await app.inject({ method: 'GET', url: `/v1/messages/${posted.id}`, headers: otherAuth })
  assert.equal(other.statusCode, 404)
  assert.equal(other.json().error.code, 'not_found')
  const never = await app.inject({ method: 'GET', url: '/v1/messages/01NOPE', headers: auth })
  assert.equal(never.statusCode, 404)
})

test('413 for a message over the size limit', async (t) => {
  const { app, auth } = await setUp(t, { maxMessageBytes: 2048 })
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { ...message, text: 'x'.repeat(4000) } })
  assert.equal(response.statusCode, 413)
  assert.equal(response.json().error.code, 'message_too_large')
  assert.match(response.json().error.fields[0].message, /expected at most 2048/)
})

test('422 for a From domain the account has not configured, naming it', async (t) => {
  const { app, auth } = await setUp(t)
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { ...message, from: 'taro@elsewhere.example' } })
  assert.equal(response.statusCode, 422)
  assert.equal(response.json().error.code, 'sender_domain_not_configured')
  assert.deepEqual(response.json().error.fields.map((f: { field: string }) => f.field), ['from'])
  assert.match(response.json().error.message, /elsewhere\.example is not a sending domain/)
})

test('an unexpected failure is logged with an id and answered with a bare 500', async (t) => {
  const { app, auth, store, errors } = await setUp(t)
  await store.close()
  const response = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: message })
  assert.equal(response.statusCode, 500)
  const body = response.json()
  assert.equal(body.error.code, 'internal')
  assert.doesNotMatch(body.error.message, /STORE|closed/i, 'no internals leak')
  assert.equal(errors.length, 1)
  assert.equal(errors[0].fields?.id, body.error.id)
})

test('GET /v1/openapi.json serves an OpenAPI 3.1 document describing both routes', async (t) => {
  const { app } = await setUp(t)
  const response = await app.inject({ method: 'GET', url: '/v1/openapi.json' })
  assert.equal(response.statusCode, 200)
  assert.match(String(response.headers['content-type']), /application\/json/)
  const document = JSON.parse(response.body)
  assert.equal(document.openapi, '3.1.0')
  assert.ok(document.paths['/v1/messages'].post)
  assert.ok(document.paths['/v1/messages/{id}'].get)
  assert.ok(document.components.schemas.PostMessagesV1Body.properties.from)
  const refs = JSON.stringify(document).match(/#\/components\/schemas\/\w+/g) ?? []
  for (const ref of refs) assert.ok(document.components.schemas[ref.split('/').pop()!], `${ref} resolves`)
})

test('an unknown route answers 404 listing the routes', async (t) => {
  const { app } = await setUp(t)
  const response = await app.inject({ method: 'GET', url: '/v2/messages' })
  assert.equal(response.statusCode, 404)
  assert.match(response.json().error.message, /POST \/v1\/messages, GET \/v1\/messages\/\{id\}.*POST \/v1\/lint/)
})
