// The port an external content scanner (SpamAssassin's spamd, ClamAV's clamd) fills, and
// the error it throws. A scanner's verdict is a value (hits); a scanner that cannot be asked
// throws ScannerError, always temporary: the message was not judged, not judged bad.
import { Socket } from 'node:net'
import { TodokuError } from '../../core/index.ts'
import type { Hit } from '../finding.ts'

export interface ContentScanner {
  /** 'spamassassin', 'clamav' */
  readonly name: string
  /** the scanner's verdict on a whole RFC 5322 message; throws ScannerError when it cannot be asked */
  scan(message: Uint8Array): Promise<Hit[]>
}

export type ScannerErrorCode = 'CONTENT_SCANNER_TIMEOUT' | 'CONTENT_SCANNER_UNAVAILABLE' | 'CONTENT_SCANNER_PROTOCOL'

export class ScannerError extends TodokuError {
  readonly scanner: string
  /** always true: a scanner's failure says nothing about the message (STYLE.md §4) */
  readonly temporary = true

  constructor(code: ScannerErrorCode, scanner: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'ScannerError'
    this.scanner = scanner
  }
}

/** Where a scanner daemon listens: TCP on loopback or a LAN host. */
export interface ScannerAddress {
  readonly host: string
  readonly port: number
  /** the whole exchange, connect to last byte; a timeout fails temporary */
  readonly timeoutMs: number
}

/**
 * One request/response exchange over a fresh TCP connection: write `request`, half-close
 * when asked (spamd reads to Content-length, clamd to its end marker), read until the daemon
 * closes, at most `maxReplyBytes`.
 */
export function exchange(scanner: string, address: ScannerAddress, request: readonly Uint8Array[], maxReplyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket()
    const chunks: Buffer[] = []
    let length = 0
    let settled = false
    const finish = (error: ScannerError | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (error !== undefined) reject(error)
      else resolve(Buffer.concat(chunks, length))
    }
    const timer = setTimeout(() => finish(new ScannerError('CONTENT_SCANNER_TIMEOUT', scanner,
      `asking ${scanner} at ${address.host}:${address.port}: no answer within ${address.timeoutMs} ms: expected a verdict (the message was not scanned; try again later)`)), address.timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length > maxReplyBytes) {
        finish(new ScannerError('CONTENT_SCANNER_PROTOCOL', scanner, `asking ${scanner} at ${address.host}:${address.port}: the reply is over ${maxReplyBytes} bytes: expected a short verdict`))
        return
      }
      chunks.push(chunk)
    })
    socket.on('end', () => finish(undefined))
    socket.on('error', (cause) => finish(new ScannerError('CONTENT_SCANNER_UNAVAILABLE', scanner,
      `asking ${scanner} at ${address.host}:${address.port}: ${cause.message}: expected the daemon to accept a connection`, { cause })))
    socket.connect(address.port, address.host, () => {
      for (const piece of request) socket.write(piece)
      socket.end()
    })
  })
}
