// A sink SMTP server on loopback for tests, benchmarks and `todoku demo`: it takes mail,
// records what it got, and lets the recipient's local part pick the fault, as Kumo's
// integration sink does (KumoCorp/kumomta:crates/integration-tests/src/test/disconnect_in_data.rs).
// Built on smtp-server (nodemailer/smtp-server), the protocol engine we don't test here.
import { readFileSync } from 'node:fs'
import type net from 'node:net'
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js'

/** The test-only self-signed certificate the sink offers with STARTTLS (test/fixtures/tls/README.md). */
export function readSinkCertificate(): { key: Buffer; cert: Buffer } {
  return {
    key: readFileSync(new URL('../../test/fixtures/tls/sink-key.pem', import.meta.url)),
    cert: readFileSync(new URL('../../test/fixtures/tls/sink-cert.pem', import.meta.url)),
  }
}

export interface SinkServerOptions {
  /** a loopback address, 127.0.0.x; default 127.0.0.1 */
  readonly host?: string
  /** default 0: any free port */
  readonly port?: number
  /** offer STARTTLS; default true */
  readonly tls?: boolean
  /** refuse MAIL FROM before STARTTLS (530 5.7.0); default false */
  readonly requireTls?: boolean
  /** offer PIPELINING; default true */
  readonly pipelining?: boolean
  /** keep each message's bytes in `received[i].body`; default false (count only, for benchmarks) */
  readonly keepBodies?: boolean
  /** the SIZE limit announced and enforced, in bytes; default 50 MiB */
  readonly maxMessageBytes?: number
  /** the name in the greeting and EHLO; default 'sink.localhost' */
  readonly name?: string
}

/** One message the sink accepted. */
export interface SinkMessage {
  readonly sessionId: string
  /** '' for the null sender */
  readonly mailFrom: string
  /** the recipients accepted for it */
  readonly recipients: readonly string[]
  readonly sizeBytes: number
  /** the message as received (dot-unstuffed, final dot removed), when `keepBodies` */
  readonly body?: Buffer
  /** the session had done STARTTLS */
  readonly tls: boolean
  /** when its MAIL FROM arrived (the transaction's start), ms on the `performance.timeOrigin + performance.now()` clock, shared by every thread of the process */
  readonly mailFromAtMs: number
}

/** One client connection, as the sink saw it. */
export interface SinkSession {
  readonly id: string
  readonly remoteAddress: string
  readonly localAddress: string
  /** the name the client gave in EHLO/HELO */
  ehloName?: string
  /** set once STARTTLS succeeded: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', servername: 'mx.localhost' } */
  tls?: { protocol: string; cipher: string; servername?: string }
  /** messages accepted on this connection */
  messages: number
}

export interface SinkServer {
  readonly host: string
  readonly port: number
  readonly received: SinkMessage[]
  readonly sessions: SinkSession[]
  /** resolves once `received.length >= count`; rejects after timeoutMs */
  waitFor(count: number, timeoutMs: number): Promise<void>
  close(): Promise<void>
}

/** Longest `slow-<ms>@` delay honoured. Threat: a typo'd recipient stalling a test run for hours. */
export const MAX_SLOW_REPLY_MS = 30_000

type RecipientFault = (address: string, session: SMTPServerSession) => Promise<Error | undefined> | Error | undefined

function refusal(responseCode: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode })
}

/** Starts a sink on loopback. */
export async function startSinkServer(options: SinkServerOptions = {}): Promise<SinkServer> {
  const host = options.host ?? '127.0.0.1'
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== '::1') {
    throw new RangeError(`starting the sink SMTP server on ${JSON.stringify(host)}: expected a loopback address (127.0.0.x or ::1)`)
  }
  const keepBodies = options.keepBodies ?? false
  const received: SinkMessage[] = []
  const sessions: SinkSession[] = []
  const sessionById = new Map<string, SinkSession>()
  /** per session, when the current transaction's MAIL FROM arrived */
  const mailFromAtMs = new Map<string, number>()
  const greylisted = new Set<string>()
  const waiters = new Set<{ count: number; resolve: () => void }>()

  // The local part picks the reply; the texts are shaped after Postfix's.
  const faults: Record<string, RecipientFault> = {
    'tempfail-421': () => refusal(421, '4.7.0 sink.localhost Service not available, closing transmission channel'),
    'tempfail-451': () => refusal(451, '4.3.0 Temporary lookup failure'),
    'unknown-550': (address) => refusal(550, `5.1.1 <${address}>: Recipient address rejected: User unknown in virtual mailbox table`),
    'full-552': (address) => refusal(552, `5.2.2 <${address}>: Recipient address rejected: Mailbox full`),
    greylist: (address, session) => {
      const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address
      const key = `${from}\n${address}`
      if (greylisted.has(key)) return undefined
      greylisted.add(key)
      return refusal(451, `4.7.1 <${address}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/sink.localhost.html`)
    },
  }

  function recipientFault(address: string, session: SMTPServerSession): ReturnType<RecipientFault> {
    const local = localPart(address)
    const fault = faults[local]
    if (fault !== undefined) return fault(address, session)
    if (local.startsWith('slow-')) {
      const delayMs = Math.min(Number(local.slice(5)) || 0, MAX_SLOW_REPLY_MS)
      return new Promise((resolve) => setTimeout(() => resolve(undefined), delayMs).unref())
    }
    return undefined
  }

  const { key, cert } = readSinkCertificate()
  const server = new SMTPServer({
    name: options.name ?? 'sink.localhost',
    key,
    cert,
    logger: false,
    disableReverseLookup: true,
    disabledCommands: options.tls === false ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    hidePIPELINING: options.pipelining === false,
    size: options.maxMessageBytes ?? 50 * 1024 * 1024,
    rejectOversized: true,
    closeTimeout: 100,
    onConnect(session, callback) {
      const record: SinkSession = { id: session.id, remoteAddress: session.remoteAddress, localAddress: session.localAddress, messages: 0 }
      sessions.push(record)
      sessionById.set(session.id, record)
      callback()
    },
    onSecure(socket, session, callback) {
      const record = sessionById.get(session.id)
      const cipher = 'getCipher' in socket ? socket.getCipher() : undefined
      if (record !== undefined && cipher !== undefined) {
        record.tls = { protocol: cipher.version, cipher: cipher.name, ...(typeof session.servername === 'string' ? { servername: session.servername } : {}) }
      }
      callback()
    },
    onMailFrom(_address, session, callback) {
      mailFromAtMs.set(session.id, performance.timeOrigin + performance.now())
      const record = sessionById.get(session.id)
      if (record !== undefined) record.ehloName = session.hostNameAppearsAs
      if (options.requireTls === true && !session.secure) return callback(refusal(530, '5.7.0 Must issue a STARTTLS command first'))
      callback()
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const fault = recipientFault(address.address, session)
      if (fault instanceof Promise) fault.then(callback, callback)
      else callback(fault)
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const recipients = session.envelope.rcptTo.map((r) => r.address)
      if (recipients.some((r) => localPart(r) === 'disconnect-in-data')) {
        // drop once the message has started to arrive: the client has had the 354 by then
        const drop = () => dropConnection(session.id)
        stream.once('data', drop)
        stream.once('end', drop)
        stream.resume()
        return
      }
      const chunks: Buffer[] | undefined = keepBodies ? [] : undefined
      if (chunks !== undefined) stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      else stream.resume()
      stream.once('end', () => {
        if (stream.sizeExceeded) return callback(refusal(552, '5.3.4 Message size exceeds fixed limit'))
        if (recipients.some((r) => localPart(r) === 'reject-data-554')) return callback(refusal(554, '5.7.1 Message rejected: spam content detected'))
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address
        const message: SinkMessage = {
          sessionId: session.id,
          mailFrom,
          recipients,
          sizeBytes: stream.byteLength,
          tls: session.secure,
          mailFromAtMs: mailFromAtMs.get(session.id) ?? 0,
          ...(chunks === undefined ? {} : { body: Buffer.concat(chunks) }),
        }
        received.push(message)
        const record = sessionById.get(session.id)
        if (record !== undefined) record.messages++
        for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve()
        callback(null, 'Ok: queued')
      })
    },
  })

  function dropConnection(sessionId: string): void {
    for (const connection of server.connections) {
      if (connection.id === sessionId) connection._socket.destroy()
    }
  }

  skipEarlyTalkerPause(server)
  const address = await new Promise<net.AddressInfo>((resolve, reject) => {
    server.once('error', reject)
    const listener = server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve(listener.address() as net.AddressInfo)
    })
  })
  // a client that drops its connection mid-command is routine here, not an error to report
  server.on('error', () => {})

  return {
    host,
    port: address.port,
    received,
    sessions,
    waitFor(count, timeoutMs) {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer)
            waiters.delete(waiter)
            resolve()
          },
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`waiting for the sink on ${host}:${address.port} to receive ${count} messages: got ${received.length} in ${timeoutMs} ms`))
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        for (const connection of server.connections) connection._socket.destroy()
      })
    },
  }
}

function localPart(address: string): string {
  const at = address.lastIndexOf('@')
  return (at < 0 ? address : address.slice(0, at)).toLowerCase()
}

/**
 * Hack: smtp-server holds every new connection's greeting back 100 ms to catch early talkers
 * (SMTPConnection.init, a fixed setTimeout with no option). A loopback sink has no spammers,
 * and 100 ms per connection dominates tests that open many; so this server's `connect`
 * starts the session straight away. It goes when smtp-server makes the pause an option; if
 * the internals it calls are gone, the server keeps its own `connect` and the pause.
 */
/**
 * smtp-server writes each reply on its own, so a pipelined MAIL/RCPT/DATA batch costs the
 * sink three socket writes and the client three wake-ups. Corking the socket from the
 * arrival of a batch until the next turn of the event loop sends its replies together.
 */
function batchReplies(socket: net.Socket): void {
  let corked = false
  const uncork = () => {
    corked = false
    socket.uncork()
  }
  socket.prependListener('data', () => {
    if (corked) return
    corked = true
    socket.cork()
    setImmediate(uncork)
  })
}

function skipEarlyTalkerPause(server: SMTPServer): void {
  const internals = server as unknown as { _onError(error: Error): void; _onClientConnect(data: unknown): void }
  const connection = SMTPConnection.prototype as unknown as Record<string, unknown>
  if (typeof internals._onError !== 'function' || typeof internals._onClientConnect !== 'function' ||
    typeof connection._setListeners !== 'function' || typeof connection.connectionReady !== 'function') return
  server.connect = (socket, socketOptions) => {
    batchReplies(socket)
    const created = new SMTPConnection(server, socket, socketOptions)
    server.connections.add(created)
    created.on('error', (error: Error) => internals._onError(error))
    created.on('connect', (data: unknown) => internals._onClientConnect(data))
    ;(created as unknown as { _setListeners(ready: () => void): void })._setListeners(() => created.connectionReady())
  }
}
