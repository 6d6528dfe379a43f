// The reply stream of one SMTP connection: the current socket (plain, then TLS), the reply
// reader, one waiting read with its timeout, and the transcript. Breaking is one-way: the
// first failure is kept and every later read or write gets it.
import type net from 'node:net'
import type tls from 'node:tls'
import { SmtpError, type SmtpErrorCode } from './errors.ts'
import { createReplyReader, formatReply, type SmtpReply } from './reply.ts'

/**
 * Most transcript lines a connection keeps; the oldest half goes when it is full. Threat: a
 * pooled connection that carries thousands of messages would grow its transcript without bound.
 */
export const MAX_TRANSCRIPT_LINES = 2000

/** The reply stream over whichever socket is current (plain, then TLS). Used by starttls.ts too. */
export interface Wire {
  readonly socket: net.Socket | tls.TLSSocket
  /** the next reply; rejects with SmtpError when the connection breaks or the timeout runs out */
  read(command: string, timeoutMs: number): Promise<SmtpReply>
  /** writes one command batch (each line without CRLF) in one socket write */
  write(commands: readonly string[]): void
  writeData(chunks: readonly Uint8Array[], size: number): void
  /** whether bytes or replies arrived that nothing asked for yet (a STARTTLS injection when it matters) */
  hasUnreadInput(): boolean
  /** moves reading and writing to another socket (after the TLS handshake) */
  replaceSocket(socket: tls.TLSSocket): void
  /** stops reading from the current socket and gives it up (before the TLS handshake) */
  detach(): net.Socket
  failure(code: SmtpErrorCode, command: string, what: string, reply?: SmtpReply, cause?: unknown): SmtpError
  readonly broken: SmtpError | undefined
  /** the server said 421: it is closing the connection */
  readonly closing: boolean
  readonly lines: string[]
  destroy(): void
}

export function createWire(initial: net.Socket, peer: string): Wire {
  let socket: net.Socket | tls.TLSSocket = initial
  let reader = createReplyReader()
  const unclaimed: SmtpReply[] = []
  let waiter: { command: string; resolve: (reply: SmtpReply) => void; reject: (error: SmtpError) => void } | undefined
  let timer: NodeJS.Timeout | undefined
  let broken: SmtpError | undefined
  let closing = false
  const lines: string[] = []

  function log(line: string): void {
    if (lines.length >= MAX_TRANSCRIPT_LINES) lines.splice(0, MAX_TRANSCRIPT_LINES / 2)
    lines.push(line)
  }

  function failure(code: SmtpErrorCode, command: string, what: string, reply?: SmtpReply, cause?: unknown): SmtpError {
    const said = reply === undefined ? '' : `: ${JSON.stringify(formatReply(reply).trimEnd())}`
    const temporary = reply === undefined ? code !== 'SMTP_PROTOCOL_ERROR' && code !== 'SMTP_MISUSE' : reply.code < 500
    return new SmtpError(code, `SMTP to ${peer}, ${command}: ${what}${said}`, { command, reply, temporary, cause })
  }

  function breakWith(error: SmtpError): void {
    if (broken !== undefined) return
    broken = error
    clearTimeout(timer)
    socket.destroy()
    const pending = waiter
    waiter = undefined
    pending?.reject(error)
  }

  function take(reply: SmtpReply): SmtpReply {
    for (let i = 0; i < reply.lines.length; i++) log(`S: ${reply.code}${i < reply.lines.length - 1 ? '-' : ' '}${reply.lines[i]}`)
    if (reply.code === 421) closing = true
    return reply
  }

  function onData(chunk: Buffer): void {
    const result = reader.push(chunk)
    for (const reply of result.replies) {
      if (waiter !== undefined) {
        const pending = waiter
        waiter = undefined
        clearTimeout(timer)
        pending.resolve(take(reply))
      } else {
        unclaimed.push(reply)
      }
    }
    if (result.failure !== undefined) {
      breakWith(failure('SMTP_PROTOCOL_ERROR', waiter?.command ?? 'READ', `expected an SMTP reply, got ${result.failure.reason}: ${JSON.stringify(result.failure.line)}`))
    }
  }
  function onClose(): void {
    const command = waiter?.command ?? 'IDLE'
    breakWith(failure('SMTP_DISCONNECTED', command, 'the server closed the connection before replying'))
  }
  function onError(cause: Error): void {
    const command = waiter?.command ?? 'IDLE'
    breakWith(failure('SMTP_DISCONNECTED', command, `the connection broke: ${cause.message}`, undefined, cause))
  }
  function listen(target: net.Socket): void {
    target.on('data', onData)
    target.on('close', onClose)
    target.on('error', onError)
  }
  function unlisten(target: net.Socket): void {
    target.off('data', onData)
    target.off('close', onClose)
    target.off('error', onError)
  }
  listen(socket)

  return {
    get socket() { return socket },
    get broken() { return broken },
    get closing() { return closing },
    lines,
    failure,
    read(command, timeoutMs) {
      if (unclaimed.length > 0) return Promise.resolve(take(unclaimed.shift()!))
      if (broken !== undefined) return Promise.reject(broken)
      return new Promise((resolve, reject) => {
        waiter = { command, resolve, reject }
        timer = setTimeout(() => {
          breakWith(failure('SMTP_TIMEOUT', command, `no reply within ${timeoutMs} ms`))
        }, timeoutMs)
      })
    },
    write(commands) {
      if (broken !== undefined) throw broken
      for (const command of commands) log(`C: ${command}`)
      socket.write(commands.length === 1 ? `${commands[0]}\r\n` : `${commands.join('\r\n')}\r\n`)
    },
    writeData(chunks, size) {
      if (broken !== undefined) throw broken
      log(`C: <message, ${size} bytes>`)
      log('C: .')
      if (chunks.length === 1) {
        socket.write(chunks[0])
        return
      }
      socket.cork()
      for (const chunk of chunks) socket.write(chunk)
      socket.uncork()
    },
    hasUnreadInput: () => unclaimed.length > 0 || reader.hasPendingInput(),
    detach() {
      unlisten(socket)
      return socket
    },
    replaceSocket(next) {
      socket = next
      reader = createReplyReader()
      listen(next)
    },
    destroy() {
      if (broken === undefined) breakWith(failure('SMTP_MISUSE', 'CLOSE', 'the connection was closed by us'))
    },
  }
}

