import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { openSmtpConnection, type SmtpConnectionOptions } from '../smtp/index.ts'
import { startSinkServer, type SinkServer, type SinkServerOptions } from './index.ts'

async function sink(t: { after(fn: () => Promise<void>): void }, options: SinkServerOptions = {}): Promise<SinkServer> {
  const server = await startSinkServer(options)
  t.after(() => server.close())
  return server
}

const clientOptions = (server: SinkServer, extra: Partial<SmtpConnectionOptions> = {}): SmtpConnectionOptions => ({
  host: server.host, port: server.port, ehloName: 'client.localhost', tls: 'opportunistic',
  connectTimeoutMs: 1000, commandTimeoutMs: 2000, dataTimeoutMs: 2000, ...extra,
})

const message = Buffer.from('Subject: sink\r\n\r\nhello\r\n')

test('records the envelope, size, TLS and session of each accepted message, without the body by default', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(clientOptions(server))
  t.after(() => connection.close())
  const beforeMs = performance.timeOrigin + performance.now()
  await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test', 'unknown-550@receiver.test'] }, message)
  const afterMs = performance.timeOrigin + performance.now()
  assert.deepEqual(server.received.map(({ mailFromAtMs: _at, ...rest }) => rest), [{
    sessionId: server.sessions[0].id, mailFrom: 'a@sender.test', recipients: ['b@receiver.test'], sizeBytes: message.length, tls: true,
  }])
  // the transaction's start, for latency figures (API accept → MAIL FROM)
  assert.ok(server.received[0].mailFromAtMs >= beforeMs && server.received[0].mailFromAtMs <= afterMs)
  assert.equal(server.sessions[0].ehloName, 'client.localhost')
  assert.equal(server.sessions[0].messages, 1)
  assert.match(server.sessions[0].tls?.protocol ?? '', /^TLSv1\.[23]$/)
})

test('greets at once, without smtp-server\'s 100 ms early-talker pause', async (t) => {
  const server = await sink(t, { tls: false })
  const socket = net.connect(server.port, server.host)
  t.after(async () => { socket.destroy() })
  const started = performance.now()
  const greeting = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(chunk.toString())))
  assert.match(greeting, /^220 sink\.localhost ESMTP/)
  assert.ok(performance.now() - started < 95, `greeting took ${performance.now() - started} ms`)
})

test('waitFor resolves once the count is reached and rejects after its timeout', async (t) => {
  const server = await sink(t)
  await assert.rejects(server.waitFor(1, 20), /got 0 in 20 ms/)
  const connection = await openSmtpConnection(clientOptions(server))
  t.after(() => connection.close())
  const arrived = server.waitFor(2, 2000)
  await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  await connection.send({ mailFrom: 'a@sender.test', recipients: ['c@receiver.test'] }, message)
  await arrived
})

test('refuses mail before STARTTLS when TLS is required', async (t) => {
  const server = await sink(t, { requireTls: true })
  const plain = await openSmtpConnection(clientOptions(server, { tls: 'none' }))
  t.after(() => plain.close())
  const refused = await plain.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  assert.equal(refused.mailFrom.code, 530)
  const secure = await openSmtpConnection(clientOptions(server, { tls: 'required' }))
  t.after(() => secure.close())
  const accepted = await secure.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  assert.equal(accepted.data?.code, 250)
})

test('refuses a message over its size limit', async (t) => {
  const server = await sink(t, { maxMessageBytes: 1000 })
  const connection = await openSmtpConnection(clientOptions(server))
  t.after(() => connection.close())
  assert.equal(connection.capabilities.size, 1000)
  const result = await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'], size: 500 }, Buffer.alloc(2000, 'a'))
  assert.equal(result.data?.code, 552)
})

test('listens on another loopback address when asked, and on no other kind', async (t) => {
  const server = await sink(t, { host: '127.0.0.3' })
  assert.equal(server.host, '127.0.0.3')
  await assert.rejects(startSinkServer({ host: '0.0.0.0' }), /expected a loopback address/)
})
