// ClamAV's clamd, INSTREAM command (clamd(8)): the message sent in chunks, each a 4-byte
// big-endian length and its bytes, ended by a zero length.
//
//   zINSTREAM\0 <len><bytes>… <0000>   →   "stream: OK\0" | "stream: Eicar-Test-Signature FOUND\0"
import type { Hit } from '../finding.ts'
import { exchange, ScannerError, type ContentScanner, type ScannerAddress } from './scanner.ts'

export interface ClamdOptions extends ScannerAddress {
  /** bytes per INSTREAM chunk; default 64 KiB */
  readonly chunkBytes?: number
  /** clamd's StreamMaxLength (default 25 MB there): a longer stream is cut by clamd with an error, so we send at most this */
  readonly maxStreamBytes?: number
}

export const DEFAULT_CLAMD_CHUNK_BYTES = 64 * 1024
export const DEFAULT_CLAMD_MAX_STREAM_BYTES = 25 * 1024 * 1024
/** Threat: a daemon (or something on its port) answering without end. */
const MAX_CLAMD_REPLY_BYTES = 4096

export function createClamdScanner(options: ClamdOptions): ContentScanner {
  const name = 'clamav'
  const chunkBytes = options.chunkBytes ?? DEFAULT_CLAMD_CHUNK_BYTES
  const maxStreamBytes = options.maxStreamBytes ?? DEFAULT_CLAMD_MAX_STREAM_BYTES
  return {
    name,
    async scan(message: Uint8Array): Promise<Hit[]> {
      const stream = message.subarray(0, maxStreamBytes)
      const pieces: Uint8Array[] = [Buffer.from('zINSTREAM\0', 'latin1')]
      for (let at = 0; at < stream.byteLength; at += chunkBytes) {
        const chunk = stream.subarray(at, at + chunkBytes)
        const length = Buffer.alloc(4)
        length.writeUInt32BE(chunk.byteLength)
        pieces.push(length, chunk)
      }
      pieces.push(Buffer.alloc(4))
      const reply = await exchange(name, options, pieces, MAX_CLAMD_REPLY_BYTES)
      return parseClamdReply(reply.toString('utf8'), options)
    },
  }
}

export function parseClamdReply(reply: string, address: { host: string; port: number }): Hit[] {
  const text = reply.replace(/\0+$/, '').trim()
  if (/^stream: OK$/.test(text)) return []
  const found = /^stream: (.+) FOUND$/.exec(text)
  if (found !== null) return [{ id: 'scanner.virus', where: {}, vars: { signature: found[1] } }]
  throw new ScannerError('CONTENT_SCANNER_PROTOCOL', 'clamav', `asking clamd at ${address.host}:${address.port}: it answered ${JSON.stringify(text.slice(0, 120))}: expected "stream: OK" or "stream: <name> FOUND"`)
}
