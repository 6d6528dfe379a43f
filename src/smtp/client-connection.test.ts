import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { startSinkServer, readSinkCertificate, type SinkServer, type SinkServerOptions } from '../sim/index.ts'
import { openSmtpConnection, SmtpError, type SmtpConnectionOptions } from './index.ts'

async function sink(t: { after(fn: () => Promise<void>): void }, options: SinkServerOptions = {}): Promise<SinkServer> {
  const server = await startSinkServer(options)
  t.after(() => server.close())
  return server
}

function optionsFor(server: { host: string; port: number }, extra: Partial<SmtpConnectionOptions> = {}): SmtpConnectionOptions {
  return {
    host: server.host, port: server.port, ehloName: 'client.localhost', tls: 'opportunistic',
    connectTimeoutMs: 1000, commandTimeoutMs: 2000, dataTimeoutMs: 2000, ...extra,
  }
}

const message = Buffer.from('From: a@sender.test\r\nTo: b@receiver.test\r\nSubject: hi\r\n\r\nhello\r\n')

async function rejection(promise: Promise<unknown>): Promise<SmtpError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof SmtpError, `expected an SmtpError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a rejection')
}

for (const pipelining of [true, false]) {
  test(`gives every recipient its own reply ${pipelining ? 'with' : 'without'} pipelining`, async (t) => {
    const server = await sink(t, { pipelining })
    const connection = await openSmtpConnection(optionsFor(server))
    t.after(() => connection.close())
    assert.equal(connection.capabilities.pipelining, pipelining)
    const result = await connection.send({
      mailFrom: 'bounces@sender.test',
      recipients: ['ok@receiver.test', 'unknown-550@receiver.test', 'full-552@receiver.test', 'tempfail-451@receiver.test', 'slow-20@receiver.test'],
    }, message)
    assert.equal(result.mailFrom.code, 250)
    assert.deepEqual(result.recipients.map((r) => [r.address, r.reply.code, r.reply.enhancedStatus, r.accepted]), [
      ['ok@receiver.test', 250, undefined, true],
      ['unknown-550@receiver.test', 550, '5.1.1', false],
      ['full-552@receiver.test', 552, '5.2.2', false],
      ['tempfail-451@receiver.test', 451, '4.3.0', false],
      ['slow-20@receiver.test', 250, undefined, true],
    ])
    assert.equal(result.data?.code, 250)
    assert.deepEqual(server.received.map((m) => m.recipients), [['ok@receiver.test', 'slow-20@receiver.test']])
  })
}

test('resets a transaction in which no recipient was accepted, and the next one goes through', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  const refused = await connection.send({ mailFrom: 'a@sender.test', recipients: ['unknown-550@receiver.test'] }, message)
  assert.equal(refused.data, undefined)
  assert.equal(refused.recipients[0].accepted, false)
  const accepted = await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  assert.equal(accepted.data?.code, 250)
  assert.ok(connection.transcript().includes('C: RSET'))
  assert.equal(server.sessions.length, 1)
  assert.equal(server.received.length, 1)
})

test('delivers the message bytes intact, dots stuffed on the wire and unstuffed by the server', async (t) => {
  const server = await sink(t, { keepBodies: true })
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  const body = 'Subject: dots\r\n\r\n.\r\n..two\r\n.hidden\r\nend\r\n'
  await connection.send({ mailFrom: '', recipients: ['b@receiver.test'] }, Buffer.from(body))
  assert.equal(server.received[0].body?.toString(), body)
  assert.equal(server.received[0].mailFrom, '')
})

test('reports the DATA refusal as the outcome of every accepted recipient', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  const result = await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test', 'reject-data-554@receiver.test'] }, message)
  assert.deepEqual(result.recipients.map((r) => r.accepted), [true, true])
  assert.equal(result.data?.code, 554)
  assert.equal(result.data?.enhancedStatus, '5.7.1')
  assert.equal(server.received.length, 0)
})

test('takes a greylisted recipient on the second attempt', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  const envelope = { mailFrom: 'a@sender.test', recipients: ['greylist@receiver.test'] }
  const first = await connection.send(envelope, message)
  assert.equal(first.recipients[0].reply.code, 451)
  assert.equal(first.recipients[0].reply.enhancedStatus, '4.7.1')
  const second = await connection.send(envelope, message)
  assert.equal(second.data?.code, 250)
})

test('stands the 421 for every reply still owed and stops being usable', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  const result = await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test', 'tempfail-421@receiver.test', 'c@receiver.test'] }, message)
  assert.deepEqual(result.recipients.map((r) => r.reply.code), [250, 421, 421])
  assert.equal(result.data?.code, 421)
  assert.equal(connection.isUsable(), false)
  const error = await rejection(connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message))
  assert.equal(error.code, 'SMTP_DISCONNECTED')
})

test('upgrades with STARTTLS when offered, and reports the session', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server, { servername: 'mx.localhost' }))
  t.after(() => connection.close())
  assert.equal(connection.tlsInfo?.authorized, false)
  assert.match(connection.tlsInfo?.protocol ?? '', /^TLSv1\.[23]$/)
  assert.match(connection.tlsInfo?.peerSubject ?? '', /CN=localhost/)
  assert.equal(connection.capabilities.starttls, false, 'capabilities come from the EHLO after STARTTLS')
  await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  assert.equal(server.received[0].tls, true)
  assert.equal(server.sessions[0].tls?.servername, 'mx.localhost')
})

test('stays in plaintext when opportunistic and the server offers no STARTTLS', async (t) => {
  const server = await sink(t, { tls: false })
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  assert.equal(connection.tlsInfo, undefined)
})

test('fails when TLS is required and the server does not offer STARTTLS', async (t) => {
  const server = await sink(t, { tls: false })
  const error = await rejection(openSmtpConnection(optionsFor(server, { tls: 'required' })))
  assert.equal(error.code, 'SMTP_TLS_NOT_OFFERED')
  assert.equal(error.temporary, true)
})

test('accepts a self-signed certificate when TLS is required but not validated', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server, { tls: 'required' }))
  t.after(() => connection.close())
  assert.equal(connection.tlsInfo?.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT')
})

test('fails on a self-signed certificate when a valid one is required (MTA-STS enforce)', async (t) => {
  const server = await sink(t)
  const error = await rejection(openSmtpConnection(optionsFor(server, { tls: 'required-valid', servername: 'localhost' })))
  assert.equal(error.code, 'SMTP_TLS_FAILED')
  assert.equal(error.command, 'STARTTLS')
})

test('validates the certificate against the MX name with a trusted CA', async (t) => {
  const server = await sink(t)
  const ca = readSinkCertificate().cert
  const connection = await openSmtpConnection(optionsFor(server, { tls: 'required-valid', servername: 'localhost', ca }))
  t.after(() => connection.close())
  assert.equal(connection.tlsInfo?.authorized, true)
  const error = await rejection(openSmtpConnection(optionsFor(server, { tls: 'required-valid', servername: 'mx.example.com', ca })))
  assert.equal(error.code, 'SMTP_TLS_FAILED', 'a name the certificate does not carry fails')
})

test('reports a server that refuses mail before STARTTLS as the MAIL FROM reply', async (t) => {
  const server = await sink(t, { requireTls: true })
  const connection = await openSmtpConnection(optionsFor(server, { tls: 'none' }))
  t.after(() => connection.close())
  const result = await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  assert.equal(result.mailFrom.code, 530)
  assert.equal(result.data, undefined)
})

test('throws a temporary SMTP_DISCONNECTED when the server drops the connection mid-DATA', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  const error = await rejection(connection.send({ mailFrom: 'a@sender.test', recipients: ['disconnect-in-data@receiver.test'] }, message))
  assert.equal(error.code, 'SMTP_DISCONNECTED')
  assert.equal(error.command, 'DATA END')
  assert.equal(error.temporary, true)
  assert.equal(connection.isUsable(), false)
})

test('throws SMTP_TIMEOUT when a reply takes longer than commandTimeoutMs', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server, { commandTimeoutMs: 100 }))
  const error = await rejection(connection.send({ mailFrom: 'a@sender.test', recipients: ['slow-1000@receiver.test'] }, message))
  assert.equal(error.code, 'SMTP_TIMEOUT')
  assert.equal(error.command, 'RCPT TO')
  assert.equal(error.temporary, true)
})

test('throws SMTP_CONNECT_FAILED when nothing listens', async () => {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  const error = await rejection(openSmtpConnection(optionsFor({ host: '127.0.0.1', port })))
  assert.equal(error.code, 'SMTP_CONNECT_FAILED')
  assert.equal(error.temporary, true)
})

test('binds the socket to the given local address', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server, { localAddress: '127.0.0.2' }))
  t.after(() => connection.close())
  assert.equal(server.sessions[0].remoteAddress, '127.0.0.2')
})

test('refuses an address that would inject a command', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  t.after(() => connection.close())
  const error = await rejection(connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test>\r\nRCPT TO:<c@receiver.test'] }, message))
  assert.equal(error.code, 'SMTP_MISUSE')
  const result = await connection.send({ mailFrom: 'a@sender.test', recipients: ['b@receiver.test'] }, message)
  assert.equal(result.data?.code, 250, 'the connection is still in step')
})

test('says QUIT and closes', async (t) => {
  const server = await sink(t)
  const connection = await openSmtpConnection(optionsFor(server))
  await connection.quit()
  assert.equal(connection.isUsable(), false)
  assert.deepEqual(connection.transcript().slice(-2), ['C: QUIT', 'S: 221 Bye'])
})
