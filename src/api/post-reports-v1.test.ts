import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createInjector } from '../injection/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { buildApi } from './index.ts'

const fixture = (name: string): Buffer => readFileSync(new URL(`../../test/fixtures/reports/${name}`, import.meta.url))

test('POST /v1/reports stores a report by its content type once, refuses a bad one whole, and GET /v1/dmarc/report analyzes them', async (t) => {
  const clock = createManualClock(1_750_100_000_000)
  const random = createSeededRandom(9)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  const intake = await store.createApiKey({ tenantId: 'ops', name: 'reports', scopes: ['reports:write', 'reports:read'] })
  const sender = await store.createApiKey({ tenantId: 'tenant-a', name: 'app', scopes: ['messages:send'] })
  const app = buildApi({ store, injector: createInjector({ store, clock, random }), log: { info: () => {}, error: () => {} } })
  t.after(() => app.close())
  const post = (body: Buffer, contentType: string, token = intake.token) =>
    app.inject({ method: 'POST', url: '/v1/reports', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload: body })

  const xml = await post(fixture('rfc7489.xml'), 'application/xml')
  assert.equal(xml.statusCode, 201, xml.body)
  assert.deepEqual({ ...(xml.json() as object), id: undefined }, { kind: 'dmarc', id: undefined, duplicate: false, reportId: 'todoku-fixture-7489', orgName: 'receiver.example', domain: 'shop.example', records: 4, messages: 1000 })
  const again = await post(fixture('rfc7489.xml'), 'text/xml; charset=utf-8')
  assert.equal(again.statusCode, 200)
  assert.equal(again.json().duplicate, true)
  assert.equal((await post(fixture('rfc7489.zip'), 'application/zip')).statusCode, 201)
  const email = await post(fixture('tlsrpt-report.eml'), 'message/rfc822')
  assert.equal(email.statusCode, 201, email.body)
  assert.deepEqual([email.json().kind, email.json().failedSessions], ['tlsrpt', 30])
  assert.equal((await post(fixture('tlsrpt.json'), 'application/tlsrpt+json')).statusCode, 201)

  const bad = await post(Buffer.from(fixture('rfc7489.xml').toString().replace('<count>940</count>', '<count>-1</count>')), 'application/xml')
  assert.equal(bad.statusCode, 422)
  assert.equal(bad.json().error.code, 'invalid_report')
  assert.match(bad.json().error.message, /record\[0\]\.row\.count: "-1"; expected a whole number/)
  assert.equal((await post(fixture('rfc7489.xml'), 'image/png')).statusCode, 422)
  assert.equal((await post(fixture('rfc7489.xml'), 'application/xml', sender.token)).statusCode, 403)

  const analysis = await app.inject({ method: 'GET', url: '/v1/dmarc/report?domain=shop.example&since=3650d&lang=ja', headers: { authorization: `Bearer ${intake.token}` } })
  assert.equal(analysis.statusCode, 200, analysis.body)
  const body = analysis.json()
  assert.equal(body.reports, 2)
  assert.equal(body.messages, 2000)
  assert.equal(body.sources.length, 4)
  assert.ok(body.fixes.every((fix: { message: string }) => fix.message.length > 0))
})
