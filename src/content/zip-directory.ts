// A zip archive's central directory: entry names and whether they are encrypted. Enough to
// see archives inside archives and password-protected ones without decompressing anything.
// (APPNOTE.TXT, PKWARE's .ZIP File Format Specification 6.3.10, §4.3.12 and §4.3.16.)
import { MAX_ARCHIVE_ENTRIES } from './limits.ts'

export interface ZipEntry {
  readonly name: string
  /** general purpose bit 0 (traditional or strong encryption), or method 99 (WinZip AES) */
  readonly encrypted: boolean
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const CENTRAL_DIRECTORY_HEADER = 0x02014b50
/** the end record is 22 bytes plus a comment of at most 65,535 */
const MAX_END_RECORD_DISTANCE = 22 + 65_535

/** The entries of a zip, or undefined when the bytes are not a readable zip. Never throws. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] | undefined {
  if (bytes.byteLength < 22) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let end = -1
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - MAX_END_RECORD_DISTANCE); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) {
      end = at
      break
    }
  }
  if (end === -1) return undefined
  const count = view.getUint16(end + 10, true)
  const offset = view.getUint32(end + 16, true)
  if (offset >= bytes.byteLength) return undefined
  const entries: ZipEntry[] = []
  let at = offset
  for (let index = 0; index < Math.min(count, MAX_ARCHIVE_ENTRIES); index++) {
    if (at + 46 > bytes.byteLength || view.getUint32(at, true) !== CENTRAL_DIRECTORY_HEADER) break
    const flags = view.getUint16(at + 8, true)
    const method = view.getUint16(at + 10, true)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    if (at + 46 + nameLength > bytes.byteLength) break
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength)
    // bit 11: the name is UTF-8; otherwise CP437 (or, in Japan, often Shift_JIS): latin1 keeps the extension readable
    const name = (flags & 0x800) !== 0 ? Buffer.from(nameBytes).toString('utf8') : Buffer.from(nameBytes).toString('latin1')
    entries.push({ name, encrypted: (flags & 1) !== 0 || method === 99 })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}
