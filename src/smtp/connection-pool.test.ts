import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createManualClock, TodokuError } from '../core/index.ts'
import { startSinkServer, type SinkServer } from '../sim/index.ts'
import { createConnectionPool, openSmtpConnection, type ConnectionPoolOptions, type SmtpConnection } from './index.ts'

const message = Buffer.from('Subject: pooled\r\n\r\nhello\r\n')

async function setUp(t: { after(fn: () => Promise<void>): void }, extra: Partial<ConnectionPoolOptions<SmtpConnection>> = {}) {
  const sink: SinkServer = await startSinkServer()
  const clock = createManualClock(0)
  const opened: string[] = []
  const pool = createConnectionPool<SmtpConnection>({
    open: (key) => {
      opened.push(key)
      return openSmtpConnection({
        host: sink.host, port: sink.port, ehloName: 'client.localhost', tls: 'none',
        connectTimeoutMs: 1000, commandTimeoutMs: 2000, dataTimeoutMs: 2000,
      })
    },
    maxConnectionsPerKey: 2, maxMessagesPerConnection: 100, idleTimeoutMs: 1000, clock, sweepIntervalMs: 0, ...extra,
  })
  t.after(async () => {
    await pool.close()
    await sink.close()
  })
  return { sink, clock, pool, opened }
}

async function deliver(connection: SmtpConnection, recipient = 'b@receiver.test') {
  return connection.send({ mailFrom: 'a@sender.test', recipients: [recipient] }, message)
}

test('reuses one connection for messages sent one after another', async (t) => {
  const { sink, pool } = await setUp(t)
  for (let i = 0; i < 5; i++) {
    const connection = await pool.acquire('127.0.0.1|mx.receiver.test')
    await deliver(connection)
    pool.release(connection, { reusable: true })
  }
  assert.equal(sink.sessions.length, 1)
  assert.equal(sink.received.length, 5)
  assert.deepEqual(pool.stats('127.0.0.1|mx.receiver.test'), { open: 1, idle: 1, waiting: 0 })
})

test('opens no more than maxConnectionsPerKey, and a waiting acquire gets the next released one', async (t) => {
  const { sink, pool } = await setUp(t)
  const [first, second] = await Promise.all([pool.acquire('k'), pool.acquire('k')])
  let thirdArrived = false
  const third = pool.acquire('k').then((c) => {
    thirdArrived = true
    return c
  })
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(thirdArrived, false)
  assert.deepEqual(pool.stats('k'), { open: 2, idle: 0, waiting: 1 })
  pool.release(first, { reusable: true })
  assert.equal(await third, first)
  pool.release(second, { reusable: true })
  pool.release(first, { reusable: true })
  assert.equal(sink.sessions.length, 2)
})

test('keeps keys apart', async (t) => {
  const { pool, opened } = await setUp(t)
  const a = await pool.acquire('egress-a|mx')
  const b = await pool.acquire('egress-b|mx')
  assert.notEqual(a, b)
  assert.deepEqual(opened, ['egress-a|mx', 'egress-b|mx'])
  pool.release(a, { reusable: true })
  pool.release(b, { reusable: true })
})

test('retires a connection after maxMessagesPerConnection and opens a new one', async (t) => {
  const { sink, pool } = await setUp(t, { maxMessagesPerConnection: 2 })
  for (let i = 0; i < 4; i++) {
    const connection = await pool.acquire('k')
    await deliver(connection)
    pool.release(connection, { reusable: true })
  }
  assert.equal(sink.sessions.length, 2)
  assert.equal(sink.sessions[0].messages, 2)
})

test('closes a connection released as not reusable', async (t) => {
  const { pool } = await setUp(t)
  const connection = await pool.acquire('k')
  pool.release(connection, { reusable: false })
  assert.equal(connection.isUsable(), false)
  assert.notEqual(await pool.acquire('k'), connection)
})

test('never hands out a connection the server has closed', async (t) => {
  const { pool } = await setUp(t)
  const connection = await pool.acquire('k')
  const result = await deliver(connection, 'tempfail-421@receiver.test')
  assert.equal(result.recipients[0].reply.code, 421)
  pool.release(connection, { reusable: true })
  const next = await pool.acquire('k')
  assert.notEqual(next, connection)
  assert.equal((await deliver(next)).data?.code, 250)
  pool.release(next, { reusable: true })
})

test('closes connections idle for idleTimeoutMs', async (t) => {
  const { pool, clock } = await setUp(t)
  const connection = await pool.acquire('k')
  pool.release(connection, { reusable: true })
  clock.advance(999)
  assert.equal(pool.closeIdle(), 0)
  clock.advance(1)
  assert.equal(pool.closeIdle(), 1)
  assert.deepEqual(pool.stats('k'), { open: 0, idle: 0, waiting: 0 })
})

test('gives an open failure to the acquire that asked and frees its slot', async (t) => {
  let fail = true
  const { sink } = await setUp(t)
  const failing = createConnectionPool<SmtpConnection>({
    open: async (key) => {
      if (fail) throw new TodokuError('SMTP_CONNECT_FAILED', `connecting for ${key}: refused`)
      return openSmtpConnection({
        host: sink.host, port: sink.port, ehloName: 'client.localhost', tls: 'none',
        connectTimeoutMs: 1000, commandTimeoutMs: 2000, dataTimeoutMs: 2000,
      })
    },
    maxConnectionsPerKey: 1, maxMessagesPerConnection: 10, idleTimeoutMs: 1000, clock: createManualClock(0), sweepIntervalMs: 0,
  })
  t.after(() => failing.close())
  await assert.rejects(failing.acquire('k'), { code: 'SMTP_CONNECT_FAILED' })
  assert.deepEqual(failing.stats('k'), { open: 0, idle: 0, waiting: 0 })
  fail = false
  const connection = await failing.acquire('k')
  assert.equal(connection.isUsable(), true)
  failing.release(connection, { reusable: false })
})

test('fails waiting acquires when closed', async (t) => {
  const { pool } = await setUp(t, { maxConnectionsPerKey: 1 })
  const held = await pool.acquire('k')
  const waiting = pool.acquire('k')
  await pool.close()
  await assert.rejects(waiting, { code: 'SMTP_POOL_CLOSED' })
  pool.release(held, { reusable: true })
  assert.deepEqual(pool.stats('k'), { open: 0, idle: 0, waiting: 0 }, 'released after close, it is retired')
})
