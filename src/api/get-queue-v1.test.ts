import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createInjector } from '../injection/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { buildApi } from './index.ts'

test('GET /v1/queue counts recipients by state for a key with queue:read, and refuses a sending key', async (t) => {
  const clock = createManualClock(Date.UTC(2026, 0, 15))
  const random = createSeededRandom(5)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const sender = await store.createApiKey({ tenantId: 'tenant-a', name: 'app', scopes: ['messages:send', 'messages:read'] })
  const operator = await store.createApiKey({ tenantId: 'ops', name: 'monitoring', scopes: ['queue:read'] })
  const app = buildApi({ store, injector: createInjector({ store, clock, random }), log: { info: () => {}, error: () => {} } })
  t.after(() => app.close())

  const posted = await app.inject({
    method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${sender.token}` },
    payload: { from: 'taro@example.jp', to: ['a@example.com', 'b@example.net'], subject: 's', text: 't' },
  })
  assert.equal(posted.statusCode, 202, posted.body)

  const counts = await app.inject({ method: 'GET', url: '/v1/queue', headers: { authorization: `Bearer ${operator.token}` } })
  assert.equal(counts.statusCode, 200, counts.body)
  assert.deepEqual(counts.json(), { queued: 2, leased: 0, delivered: 0, deferred: 0, failed: 0, expired: 0 })

  const refused = await app.inject({ method: 'GET', url: '/v1/queue', headers: { authorization: `Bearer ${sender.token}` } })
  assert.equal(refused.statusCode, 403)
  assert.match(refused.json().error.message, /lacks the scope queue:read/)

  const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json()
  assert.ok(document.paths['/v1/queue'].get)
})
