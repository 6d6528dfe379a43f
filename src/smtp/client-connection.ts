// The SMTP client connection: the edge that owns the socket.
//
// Our own rather than nodemailer's SMTPConnection, because delivery needs what that one hides
// or lacks: every recipient's own RCPT reply as a value (nodemailer folds them into
// accepted/rejected lists and throws on the rest), RFC 2920 pipelining of MAIL + all RCPTs +
// DATA in one write (it sends RCPTs one round trip at a time), the whole transcript, TLS
// policy modes for MTA-STS (opportunistic / required / required-valid) with the facts
// TLS-RPT needs, and a connection that is reused for many transactions through a pool.
import net from 'node:net'
import { SmtpError } from './errors.ts'
import { parseEhlo, NO_CAPABILITIES, type EhloCapabilities, type SmtpReply } from './reply.ts'
import { createWire, type Wire } from './wire.ts'
import { formatMailFrom, formatRcptTo, type Envelope } from './commands.ts'
import { encodeMessageData } from './message-data.ts'
import { upgradeToTls, type TlsInfo, type TlsMode } from './starttls.ts'

export interface SmtpConnectionOptions {
  /** IP address to connect to (the MX host, already resolved) */
  readonly host: string
  readonly port: number
  /** egress IP to bind the socket to */
  readonly localAddress?: string
  /** the name we give in EHLO: the egress IP's PTR name */
  readonly ehloName: string
  /** the MX host name: TLS SNI, and the name the certificate must carry in 'required-valid' */
  readonly servername?: string
  readonly tls: TlsMode
  readonly connectTimeoutMs: number
  /** wait for each reply (greeting, EHLO, STARTTLS, MAIL, RCPT, DATA, RSET, QUIT) */
  readonly commandTimeoutMs: number
  /** wait for the reply to the final dot, from the moment the message is written */
  readonly dataTimeoutMs: number
  /** validate the certificate; defaults to true for 'required-valid', false otherwise (RFC 7435 opportunistic) */
  readonly rejectUnauthorized?: boolean
  /** trusted CA certificates instead of Node's bundle (tests) */
  readonly ca?: string | Buffer | readonly (string | Buffer)[]
}

/** One recipient's answer to RCPT TO. */
export interface RecipientResult {
  readonly address: string
  readonly reply: SmtpReply
  /** 2xx: the server took the recipient; the DATA reply decides its fate */
  readonly accepted: boolean
}

/**
 * What the server said to one mail transaction. When `mailFrom` is not 2xx it applies to every
 * recipient (without pipelining no RCPT was sent and `recipients` is empty). `data` is the
 * reply that ended the DATA phase (the refusal of DATA itself or the reply to the final dot)
 * and applies to every accepted recipient; it is absent when no recipient was accepted.
 */
export interface TransactionResult {
  readonly mailFrom: SmtpReply
  readonly recipients: readonly RecipientResult[]
  readonly data?: SmtpReply
}

export interface SmtpConnection {
  readonly greeting: SmtpReply
  readonly capabilities: EhloCapabilities
  /** present once STARTTLS succeeded */
  readonly tlsInfo: TlsInfo | undefined
  /** false once the connection broke, was closed, or the server said 421 */
  isUsable(): boolean
  /** one mail transaction; server refusals come back as values, a broken conversation throws SmtpError */
  send(envelope: Envelope, message: Uint8Array): Promise<TransactionResult>
  rset(): Promise<SmtpReply>
  /** polite QUIT, then close; never throws */
  quit(): Promise<void>
  /** drop the connection now */
  close(): void
  /** lines sent ("C: …") and received ("S: …") since connecting, message bodies elided */
  transcript(): string[]
}

const QUIT_TIMEOUT_MS = 2000

/** A connection opened through greeting, EHLO and (per `options.tls`) STARTTLS; throws SmtpError. */
export async function openSmtpConnection(options: SmtpConnectionOptions): Promise<SmtpConnection> {
  checkOptions(options)
  const socket = await connectSocket(options)
  const wire = createWire(socket, `${options.host}:${options.port}`)
  try {
    const greeting = await wire.read('GREETING', options.commandTimeoutMs)
    if (greeting.code !== 220) {
      throw wire.failure('SMTP_GREETING_REJECTED', 'GREETING', `expected 220, the server refused the session`, greeting)
    }
    let capabilities = await hello(wire, options)
    let tlsInfo: TlsInfo | undefined
    if (options.tls !== 'none') {
      const upgraded = await upgradeToTls(wire, options, capabilities)
      if (upgraded !== undefined) {
        tlsInfo = upgraded
        capabilities = await hello(wire, options)
      }
    }
    return createSession(wire, options, greeting, capabilities, tlsInfo)
  } catch (error) {
    wire.destroy()
    throw error
  }
}

function checkOptions(options: SmtpConnectionOptions): void {
  const problems: string[] = []
  for (const key of ['connectTimeoutMs', 'commandTimeoutMs', 'dataTimeoutMs'] as const) {
    if (!(options[key] > 0 && Number.isFinite(options[key]))) problems.push(`${key} ${options[key]}: expected a positive number of ms`)
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(options.ehloName)) problems.push(`ehloName ${JSON.stringify(options.ehloName)}: expected a host name or address literal`)
  if (!['opportunistic', 'required', 'required-valid', 'none'].includes(options.tls)) problems.push(`tls ${JSON.stringify(options.tls)}: expected opportunistic|required|required-valid|none`)
  if (!(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) problems.push(`port ${options.port}: expected 1–65535`)
  if (problems.length > 0) {
    throw new SmtpError('SMTP_MISUSE', `opening an SMTP connection to ${options.host}: ${problems.join('; ')}`, { command: 'CONNECT', temporary: false })
  }
}

function connectSocket(options: SmtpConnectionOptions): Promise<net.Socket> {
  const target = `${options.host}:${options.port}${options.localAddress === undefined ? '' : ` from ${options.localAddress}`}`
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: options.host, port: options.port, localAddress: options.localAddress, noDelay: true })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new SmtpError('SMTP_TIMEOUT', `connecting to ${target}: no connection after ${options.connectTimeoutMs} ms`, { command: 'CONNECT', temporary: true }))
    }, options.connectTimeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (cause) => {
      clearTimeout(timer)
      socket.destroy()
      reject(new SmtpError('SMTP_CONNECT_FAILED', `connecting to ${target}: ${cause.message}`, { command: 'CONNECT', temporary: true, cause }))
    })
  })
}

/** EHLO, falling back to HELO when EHLO is not understood (RFC 5321 §4.1.4). */
async function hello(wire: Wire, options: SmtpConnectionOptions): Promise<EhloCapabilities> {
  wire.write([`EHLO ${options.ehloName}`])
  const ehlo = await wire.read('EHLO', options.commandTimeoutMs)
  if (ehlo.code === 250) return parseEhlo(ehlo)
  if (ehlo.code >= 500) {
    wire.write([`HELO ${options.ehloName}`])
    const helo = await wire.read('HELO', options.commandTimeoutMs)
    if (helo.code === 250) return NO_CAPABILITIES
    throw wire.failure('SMTP_EHLO_REJECTED', 'HELO', 'expected 250 to HELO after EHLO was refused', helo)
  }
  throw wire.failure('SMTP_EHLO_REJECTED', 'EHLO', 'expected 250', ehlo)
}

function createSession(
  wire: Wire,
  options: SmtpConnectionOptions,
  greeting: SmtpReply,
  capabilities: EhloCapabilities,
  tlsInfo: TlsInfo | undefined,
): SmtpConnection {
  let busy = false
  let closed = false
  let needsReset = false // a transaction was left open (MAIL accepted, no data sent)

  function begin(what: string): void {
    if (closed || wire.broken !== undefined) {
      throw wire.broken ?? wire.failure('SMTP_MISUSE', what, 'the connection is closed')
    }
    if (wire.closing) throw wire.failure('SMTP_DISCONNECTED', what, 'the server said 421 and is closing the connection')
    if (busy) throw wire.failure('SMTP_MISUSE', what, 'another command is still running on this connection')
    busy = true
  }

  async function send(envelope: Envelope, message: Uint8Array): Promise<TransactionResult> {
    begin('MAIL FROM')
    try {
      if (envelope.recipients.length === 0) throw wire.failure('SMTP_MISUSE', 'RCPT TO', 'an envelope needs at least one recipient')
      const data = encodeMessageData(message)
      let size = 0
      for (const chunk of data) size += chunk.length
      const mailCommand = formatMailFrom(envelope, capabilities, size)
      const rcptCommands = envelope.recipients.map(formatRcptTo)
      const wasOpen = needsReset
      needsReset = false
      const timeoutMs = options.commandTimeoutMs
      // A 421 means the server is closing the channel (RFC 5321 §3.8): the replies still
      // owed will not come, so the 421 stands for each of them.
      let closingReply: SmtpReply | undefined
      const read = async (command: string, ms: number): Promise<SmtpReply> => {
        if (closingReply !== undefined) return closingReply
        const reply = await wire.read(command, ms)
        if (reply.code === 421) closingReply = reply
        return reply
      }
      let mailFrom: SmtpReply
      const recipients: RecipientResult[] = []
      let dataReply: SmtpReply | undefined
      if (capabilities.pipelining) {
        // RFC 2920: MAIL, every RCPT and DATA go in one write; the replies come back in order
        wire.write(wasOpen ? ['RSET', mailCommand, ...rcptCommands, 'DATA'] : [mailCommand, ...rcptCommands, 'DATA'])
        if (wasOpen) await read('RSET', timeoutMs)
        mailFrom = await read('MAIL FROM', timeoutMs)
        for (const address of envelope.recipients) {
          const reply = await read('RCPT TO', timeoutMs)
          recipients.push({ address, reply, accepted: isPositive(reply) })
        }
        dataReply = await read('DATA', timeoutMs)
      } else {
        if (wasOpen) {
          wire.write(['RSET'])
          await read('RSET', timeoutMs)
        }
        if (closingReply === undefined) wire.write([mailCommand])
        mailFrom = await read('MAIL FROM', timeoutMs)
        if (!isPositive(mailFrom)) return { mailFrom, recipients }
        for (let i = 0; i < rcptCommands.length; i++) {
          if (closingReply === undefined) wire.write([rcptCommands[i]])
          const reply = await read('RCPT TO', timeoutMs)
          recipients.push({ address: envelope.recipients[i], reply, accepted: isPositive(reply) })
        }
        if (recipients.some((r) => r.accepted)) {
          if (closingReply === undefined) wire.write(['DATA'])
          dataReply = await read('DATA', timeoutMs)
        }
      }
      const anyAccepted = isPositive(mailFrom) && recipients.some((r) => r.accepted)
      if (dataReply === undefined || dataReply.code !== 354) {
        needsReset = isPositive(mailFrom)
        return anyAccepted ? { mailFrom, recipients, data: dataReply } : { mailFrom, recipients }
      }
      if (!anyAccepted) {
        // a server that said 354 with no recipient accepted (RFC 2920 §3.1 says it must not):
        // end the empty data so the connection stays in step
        wire.write(['.'])
        await wire.read('DATA END', options.dataTimeoutMs)
        return { mailFrom, recipients }
      }
      wire.writeData(data, size)
      const final = await wire.read('DATA END', options.dataTimeoutMs)
      return { mailFrom, recipients, data: final }
    } finally {
      busy = false
    }
  }

  return {
    greeting,
    capabilities,
    tlsInfo,
    isUsable: () => !closed && wire.broken === undefined && !wire.closing,
    send,
    async rset() {
      begin('RSET')
      try {
        wire.write(['RSET'])
        const reply = await wire.read('RSET', options.commandTimeoutMs)
        needsReset = false
        return reply
      } finally {
        busy = false
      }
    },
    async quit() {
      if (closed) return
      if (wire.broken === undefined && !busy) {
        try {
          wire.write(['QUIT'])
          await wire.read('QUIT', Math.min(options.commandTimeoutMs, QUIT_TIMEOUT_MS))
          wire.socket.end()
        } catch {
          // the server may drop the connection without a 221; nothing is lost
        }
      }
      closed = true
      wire.destroy()
    },
    close() {
      closed = true
      wire.destroy()
    },
    transcript: () => wire.lines.slice(),
  }
}

function isPositive(reply: SmtpReply): boolean {
  return reply.code >= 200 && reply.code < 300
}
