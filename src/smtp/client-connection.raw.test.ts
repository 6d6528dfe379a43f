// The client against a raw `net` server, where the exact reply bytes and their packet
// boundaries matter (the approach of nodemailer/nodemailer:test/smtp-connection/smtp-connection-test.js).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { openSmtpConnection, SmtpError, type SmtpConnectionOptions } from './index.ts'

/** A server that sends `greeting`, then answers each command line with what `answer` returns (written as given). */
async function scriptedServer(
  t: { after(fn: () => Promise<unknown>): void },
  greeting: string | string[],
  answer: (line: string) => string | string[] | undefined,
): Promise<{ port: number; received: string[] }> {
  const received: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.on('error', () => {})
    const send = async (reply: string | string[]) => {
      // a list is written piece by piece, each its own packet
      for (const piece of Array.isArray(reply) ? reply : [reply]) {
        if (socket.destroyed) return
        socket.write(piece)
        if (Array.isArray(reply)) await sleep(2)
      }
    }
    void send(greeting)
    let buffered = ''
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1')
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        received.push(line)
        const reply = answer(line)
        if (reply !== undefined) void send(reply)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => server.close(resolve))
  })
  return { port: (server.address() as net.AddressInfo).port, received }
}

const options = (port: number, extra: Partial<SmtpConnectionOptions> = {}): SmtpConnectionOptions => ({
  host: '127.0.0.1', port, ehloName: 'client.localhost', tls: 'opportunistic',
  connectTimeoutMs: 1000, commandTimeoutMs: 500, dataTimeoutMs: 500, ...extra,
})

async function rejection(promise: Promise<unknown>): Promise<SmtpError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof SmtpError, `expected an SmtpError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a rejection')
}

test('reads a multi-line greeting and EHLO reply split across TCP packets mid-line', async (t) => {
  const { port } = await scriptedServer(t, ['220-mx.exa', 'mple.com ESMTP\r\n220 ', 'welcome\r\n'], (line) => {
    if (line.startsWith('EHLO')) return ['250-mx.example.com\r\n250-PIPEL', 'INING\r\n250-SIZE 1000', '\r', '\n250 8BITMIME\r\n']
    if (line === 'QUIT') return '221 bye\r\n'
    return undefined
  })
  const connection = await openSmtpConnection(options(port))
  t.after(() => connection.close())
  assert.deepEqual(connection.greeting.lines, ['mx.example.com ESMTP', 'welcome'])
  assert.equal(connection.capabilities.pipelining, true)
  assert.equal(connection.capabilities.size, 1000)
  assert.equal(connection.capabilities.eightBitMime, true)
})

test('reads pipelined replies that arrive together in one packet', async (t) => {
  const { port, received } = await scriptedServer(t, '220 mx\r\n', (line) => {
    if (line.startsWith('EHLO')) return '250-mx\r\n250 PIPELINING\r\n'
    if (line === 'DATA') return '250 2.1.0 ok\r\n550-5.1.1 no such\r\n550 5.1.1 user\r\n250 2.1.5 ok\r\n354 go\r\n'
    if (line === '.') return '250 2.0.0 queued as 1\r\n'
    return undefined
  })
  const connection = await openSmtpConnection(options(port))
  t.after(() => connection.close())
  const result = await connection.send({ mailFrom: 'a@b.test', recipients: ['x@c.test', 'y@c.test'] }, Buffer.from('hi\r\n'))
  assert.deepEqual(result.recipients.map((r) => r.reply.text), ['5.1.1 no such\n5.1.1 user', '2.1.5 ok'])
  assert.equal(result.data?.text, '2.0.0 queued as 1')
  assert.deepEqual(received.slice(1), ['MAIL FROM:<a@b.test>', 'RCPT TO:<x@c.test>', 'RCPT TO:<y@c.test>', 'DATA', 'hi', '.'])
})

test('throws SMTP_PROTOCOL_ERROR on a server that sends garbage', async (t) => {
  const { port } = await scriptedServer(t, 'SSH-2.0-OpenSSH_9.6\r\n', () => undefined)
  const error = await rejection(openSmtpConnection(options(port)))
  assert.equal(error.code, 'SMTP_PROTOCOL_ERROR')
  assert.equal(error.temporary, false)
})

test('throws SMTP_PROTOCOL_ERROR on a reply line that never ends', async (t) => {
  const { port } = await scriptedServer(t, '220 ' + 'x'.repeat(20_000), () => undefined)
  const error = await rejection(openSmtpConnection(options(port)))
  assert.equal(error.code, 'SMTP_PROTOCOL_ERROR')
  assert.match(error.message, /line-too-long/)
})

test('throws SMTP_GREETING_REJECTED, temporary for 421 and permanent for 554', async (t) => {
  for (const [greeting, temporary] of [['421 4.3.2 busy\r\n', true], ['554 5.7.1 go away\r\n', false]] as const) {
    const { port } = await scriptedServer(t, greeting, () => undefined)
    const error = await rejection(openSmtpConnection(options(port)))
    assert.equal(error.code, 'SMTP_GREETING_REJECTED')
    assert.equal(error.temporary, temporary)
    assert.equal(error.replyCode, Number(greeting.slice(0, 3)))
  }
})

test('falls back to HELO when EHLO is not understood', async (t) => {
  const { port, received } = await scriptedServer(t, '220 old\r\n', (line) => {
    if (line.startsWith('EHLO')) return '502 5.5.2 what\r\n'
    if (line.startsWith('HELO')) return '250 old\r\n'
    return undefined
  })
  const connection = await openSmtpConnection(options(port))
  t.after(() => connection.close())
  assert.equal(connection.capabilities.pipelining, false)
  assert.deepEqual(received, ['EHLO client.localhost', 'HELO client.localhost'])
})

test('refuses a STARTTLS reply with plaintext bytes behind it (command injection)', async (t) => {
  const { port } = await scriptedServer(t, '220 mx\r\n', (line) => {
    if (line.startsWith('EHLO')) return '250-mx\r\n250 STARTTLS\r\n'
    if (line === 'STARTTLS') return '220 go ahead\r\n250 injected\r\n'
    return undefined
  })
  const error = await rejection(openSmtpConnection(options(port)))
  assert.equal(error.code, 'SMTP_PROTOCOL_ERROR')
  assert.equal(error.command, 'STARTTLS')
})

test('throws SMTP_TIMEOUT when the server never greets', async (t) => {
  const { port } = await scriptedServer(t, [], () => undefined)
  const error = await rejection(openSmtpConnection(options(port, { commandTimeoutMs: 50 })))
  assert.equal(error.code, 'SMTP_TIMEOUT')
  assert.equal(error.command, 'GREETING')
})

test('throws SMTP_TIMEOUT when the reply to the final dot takes longer than dataTimeoutMs', async (t) => {
  const { port } = await scriptedServer(t, '220 mx\r\n', (line) => {
    if (line.startsWith('EHLO')) return '250 mx\r\n'
    if (line.startsWith('MAIL') || line.startsWith('RCPT')) return '250 ok\r\n'
    if (line === 'DATA') return '354 go\r\n'
    return undefined
  })
  const connection = await openSmtpConnection(options(port, { dataTimeoutMs: 50 }))
  const error = await rejection(connection.send({ mailFrom: 'a@b.test', recipients: ['x@c.test'] }, Buffer.from('hi\r\n')))
  assert.equal(error.code, 'SMTP_TIMEOUT')
  assert.equal(error.command, 'DATA END')
})
