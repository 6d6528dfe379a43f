import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import nodemailer from 'nodemailer'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createInjector } from '../injection/index.ts'
import { readSinkCertificate } from '../sim/index.ts'
import { openSqliteStore, type Store } from '../store/index.ts'
import { startSubmission } from './index.ts'

const { key, cert } = readSinkCertificate()

async function setUp(t: TestContext, options: { maxMessageBytes?: number; failInserts?: boolean } = {}) {
  const clock = createManualClock(Date.UTC(2026, 0, 1))
  const random = createSeededRandom(7)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const sender = await store.createApiKey({ tenantId: 'tenant-a', name: 'sender', scopes: ['messages:send'] })
  const reader = await store.createApiKey({ tenantId: 'tenant-a', name: 'reader', scopes: ['messages:read'] })
  let queued = 0
  const injectorStore: Store = options.failInserts === true
    ? Object.assign(Object.create(store) as Store, { insertMessage: () => Promise.reject(new Error('disk full')) })
    : store
  const injector = createInjector({ store: injectorStore, clock, random, limits: { maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024 }, onQueued: () => queued++ })
  const logs: { level: string; event: string }[] = []
  const server = await startSubmission({ injector, store, log: (level, event) => logs.push({ level, event }) }, { host: '127.0.0.1', port: 0, tls: { key, cert }, requireAuth: true })
  t.after(() => server.close())
  function transport(password: string) {
    const transporter = nodemailer.createTransport({
      host: '127.0.0.1', port: server.port, secure: false, requireTLS: true,
      tls: { ca: cert, servername: 'localhost' },
      auth: { user: 'anything', pass: password },
    })
    t.after(() => transporter.close())
    return transporter
  }
  return { store, server, sender, reader, transport, queued: () => queued, logs }
}

test('a message submitted over STARTTLS with an API key is queued, and 250 names its id', async (t) => {
  const { store, sender, transport, queued } = await setUp(t)
  const info = await transport(sender.token).sendMail({
    from: '山田 太郎 <taro@example.jp>', to: 'hanako@example.com', bcc: 'taro..yamada.@docomo.ne.jp', subject: 'こんにちは', text: 'テスト',
  })
  const id = /Queued as (\S+)/.exec(info.response)?.[1]
  assert.ok(id, info.response)
  const message = await store.getMessage(id)
  assert.deepEqual(message?.recipients.map((r) => [r.address, r.state]), [['hanako@example.com', 'queued'], ['taro..yamada.@docomo.ne.jp', 'queued']])
  assert.equal(message?.tenantId, 'tenant-a')
  const content = Buffer.from((await store.getMessageContent(id))!).toString('latin1')
  assert.doesNotMatch(content, /^Bcc:/mi)
  assert.equal(queued(), 1)
})

test('a wrong password is refused with 535', async (t) => {
  const { transport } = await setUp(t)
  await assert.rejects(transport('tdk_not-a-key').sendMail({ from: 'taro@example.jp', to: 'hanako@example.com', text: 'x' }), (error: { responseCode?: number; response?: string }) => {
    assert.equal(error.responseCode, 535)
    assert.match(error.response ?? '', /active todoku API key/)
    return true
  })
})

test('a key without messages:send is refused with 535 naming the scope', async (t) => {
  const { reader, transport } = await setUp(t)
  await assert.rejects(transport(reader.token).sendMail({ from: 'taro@example.jp', to: 'hanako@example.com', text: 'x' }), /messages:send/)
})

test('a recipient that is no address is refused at RCPT with 553 saying what was expected', async (t) => {
  const { sender, transport } = await setUp(t)
  await assert.rejects(
    transport(sender.token).sendMail({ from: 'taro@example.jp', to: 'hanako@example.com', text: 'x', envelope: { from: 'taro@example.jp', to: ['hanako@exa_mple.com'] } }),
    (error: { responseCode?: number; response?: string }) => {
      assert.equal(error.responseCode, 553)
      assert.match(error.response ?? '', /5\.1\.3 .*exa_mple\.com.*expected/)
      return true
    },
  )
})

test('a From domain that is not a sending domain of the account is refused after DATA with 550 5.7.1', async (t) => {
  const { sender, transport } = await setUp(t)
  await assert.rejects(transport(sender.token).sendMail({ from: 'taro@other.example', to: 'hanako@example.com', text: 'x' }), (error: { responseCode?: number; response?: string }) => {
    assert.equal(error.responseCode, 550)
    assert.match(error.response ?? '', /5\.7\.1 .*other\.example is not a sending domain/)
    return true
  })
})

test('a message over the size limit is refused with 552', async (t) => {
  const { sender, transport } = await setUp(t, { maxMessageBytes: 4096 })
  await assert.rejects(transport(sender.token).sendMail({ from: 'taro@example.jp', to: 'hanako@example.com', text: 'x'.repeat(20_000) }), (error: { responseCode?: number }) => {
    assert.equal(error.responseCode, 552)
    return true
  })
})

test('when the store fails, DATA is answered 451 4.3.0 and nothing is acknowledged', async (t) => {
  const { sender, transport, logs } = await setUp(t, { failInserts: true })
  await assert.rejects(transport(sender.token).sendMail({ from: 'taro@example.jp', to: 'hanako@example.com', text: 'x' }), (error: { responseCode?: number; response?: string }) => {
    assert.equal(error.responseCode, 451)
    assert.match(error.response ?? '', /4\.3\.0/)
    return true
  })
  assert.ok(logs.some((entry) => entry.event === 'submission.queue_failed'))
})

test('without a certificate, submission refuses to listen beyond loopback', async () => {
  const store = await openSqliteStore({ path: ':memory:', clock: createManualClock(0), random: createSeededRandom(1) })
  try {
    const injector = createInjector({ store, clock: createManualClock(0), random: createSeededRandom(1) })
    await assert.rejects(startSubmission({ injector, store, log: () => {} }, { host: '0.0.0.0', port: 0 }), /SUBMISSION_TLS_REQUIRED|beyond loopback/)
  } finally {
    await store.close()
  }
})
