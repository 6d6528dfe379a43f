// The API and SMTP submission over real sockets on 127.0.0.1, against a durable SQLite store
// in a data folder: what a client sees, and what a restart still holds.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import nodemailer from 'nodemailer'
import { startApi } from '../src/api/index.ts'
import { systemClock, systemRandom } from '../src/core/index.ts'
import { createInjector } from '../src/injection/index.ts'
import { readSinkCertificate } from '../src/sim/index.ts'
import { openSqliteStore } from '../src/store/index.ts'
import { startSubmission } from '../src/submission/index.ts'

test('messages posted to the listening API and submitted over SMTP are queued durably and readable after a restart', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'todoku-api-e2e-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const store = await openSqliteStore({ path: dataDir, clock: systemClock, random: systemRandom })
  let storeOpen = true
  t.after(async () => {
    if (storeOpen) await store.close()
  })
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const { token } = await store.createApiKey({ tenantId: 'tenant-a', name: 'e2e', scopes: ['messages:send', 'messages:read'] })
  let kicks = 0
  const injector = createInjector({ store, clock: systemClock, random: systemRandom, onQueued: () => kicks++ })
  const log = { info: () => {}, error: (message: string, fields?: Record<string, unknown>) => assert.fail(`${message} ${JSON.stringify(fields)}`) }
  const api = await startApi({ store, injector, log }, { host: '127.0.0.1', port: 0 })
  let apiOpen = true
  t.after(async () => {
    if (apiOpen) await api.close()
  })
  const { key, cert } = readSinkCertificate()
  const submission = await startSubmission({ injector, store, log: () => {} }, { host: '127.0.0.1', port: 0, tls: { key, cert }, requireAuth: true })
  let submissionOpen = true
  t.after(async () => {
    if (submissionOpen) await submission.close()
  })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  // 32 at once, as concurrent clients: each 202 comes after its commit
  const posts = await Promise.all(Array.from({ length: 32 }, (_, i) => fetch(`${api.address}/v1/messages`, {
    method: 'POST', headers,
    body: JSON.stringify({ from: '通知 <notice@example.jp>', to: [`user${i}@example.com`, 'taro..yamada.@docomo.ne.jp'], subject: `お知らせ ${i}`, text: 'hello' }),
  })))
  assert.deepEqual(posts.map((r) => r.status), Array(32).fill(202))
  const ids = await Promise.all(posts.map(async (r) => (await r.json() as { id: string }).id))

  const transporter = nodemailer.createTransport({ host: '127.0.0.1', port: submission.port, requireTLS: true, tls: { ca: cert, servername: 'localhost' }, auth: { user: 'e2e', pass: token } })
  t.after(() => transporter.close())
  const info = await transporter.sendMail({ from: 'notice@example.jp', to: 'smtp-user@example.com', subject: 'via SMTP', text: 'hi' })
  const smtpId = /Queued as (\S+)/.exec(info.response)?.[1]
  assert.ok(smtpId, info.response)
  assert.equal(kicks, 33)

  const bad = await fetch(`${api.address}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ from: 'notice@example.jp', to: 'taro@' }) })
  assert.equal(bad.status, 400)
  assert.equal((await bad.json() as { error: { fields: { field: string }[] } }).error.fields[0].field, 'to')

  await submission.close()
  submissionOpen = false
  await api.close()
  apiOpen = false
  await store.close()
  storeOpen = false

  // what was acknowledged is on disk: a new process (here, a new store and API) sees all of it
  const reopened = await openSqliteStore({ path: dataDir, clock: systemClock, random: systemRandom })
  t.after(() => reopened.close())
  const api2 = await startApi({ store: reopened, injector: createInjector({ store: reopened, clock: systemClock, random: systemRandom }), log }, { host: '127.0.0.1', port: 0 })
  t.after(() => api2.close())
  for (const id of [...ids, smtpId]) {
    const response = await fetch(`${api2.address}/v1/messages/${id}`, { headers })
    assert.equal(response.status, 200)
    const view = await response.json() as { recipients: { state: string }[] }
    assert.ok(view.recipients.every((r) => r.state === 'queued'))
  }
  assert.equal((await reopened.countRecipientsByState()).queued, 32 * 2 + 1)
})
