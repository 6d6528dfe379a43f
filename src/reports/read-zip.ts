// A small zip reader: the central directory, stored and deflated entries, nothing else (no
// zip64, no encryption, no multi-disk). Ours rather than a library's (fflate, yauzl) because
// the one thing a report zip needs beyond that is a hard limit on what it inflates to, and
// node:zlib's `maxOutputLength` enforces it while inflating, whatever sizes the zip claims.
import { crc32, inflateRawSync } from 'node:zlib'
import { TodokuError } from '../core/index.ts'
import { MAX_UNCOMPRESSED_BYTES, MAX_ZIP_ENTRIES } from './limits.ts'
import { REPORT_ERRORS } from './report-errors.ts'

export interface ZipEntry {
  readonly name: string
  /** the entry's bytes, inflated and CRC-checked */
  readonly bytes: Uint8Array
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const CENTRAL_FILE_HEADER = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50
/** the end record (22 bytes) plus the longest comment (65,535) */
const MAX_END_RECORD_SEARCH = 22 + 0xffff

/** Whether the bytes open like a zip (a local file header, or an empty archive's end record). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)
}

/**
 * The first file entry `choose` accepts (by name), else the first file entry; read from the
 * central directory. Throws REPORT_CONTAINER_INVALID on a broken or unsupported zip.
 */
export function readZipEntry(bytes: Uint8Array, choose: (name: string) => boolean): ZipEntry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fail = (what: string): never => {
    throw new TodokuError(REPORT_ERRORS.CONTAINER_INVALID, `reading a zip of ${bytes.length} bytes: ${what}; expected a zip with one stored or deflated report file`)
  }
  let end = -1
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - MAX_END_RECORD_SEARCH); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) {
      end = at
      break
    }
  }
  if (end === -1) fail('no end of central directory record (truncated?)')
  const entryCount = view.getUint16(end + 10, true)
  const directoryOffset = view.getUint32(end + 16, true)
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) fail('it is a zip64 archive')
  if (entryCount === 0) fail('it has no entries')

  const entries: { name: string; method: number; flags: number; crc: number; compressedSize: number; size: number; localOffset: number }[] = []
  let at = directoryOffset
  for (let i = 0; i < Math.min(entryCount, MAX_ZIP_ENTRIES); i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_FILE_HEADER) fail(`central directory entry ${i + 1} is missing or damaged`)
    const nameLength = view.getUint16(at + 28, true)
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8')
    entries.push({
      name,
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    })
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true)
  }
  const files = entries.filter((entry) => !entry.name.endsWith('/'))
  const entry = files.find((candidate) => choose(candidate.name)) ?? files[0]
  if (entry === undefined) return fail('it holds only folders')
  if ((entry.flags & 1) !== 0) fail(`entry ${entry.name} is encrypted`)
  if (entry.size > MAX_UNCOMPRESSED_BYTES) {
    throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `reading zip entry ${entry.name}: it says it inflates to ${entry.size} bytes, over the limit of ${MAX_UNCOMPRESSED_BYTES}; expected a report of at most that size`)
  }
  const local = entry.localOffset
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_FILE_HEADER) fail(`the local header of ${entry.name} is missing`)
  const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
  if (dataStart + entry.compressedSize > bytes.length) fail(`entry ${entry.name} is truncated`)
  const compressed = bytes.subarray(dataStart, dataStart + entry.compressedSize)
  let data: Uint8Array
  if (entry.method === 0) data = compressed
  else if (entry.method === 8) {
    try {
      data = inflateRawSync(compressed, { maxOutputLength: MAX_UNCOMPRESSED_BYTES })
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `inflating zip entry ${entry.name}: over the limit of ${MAX_UNCOMPRESSED_BYTES} bytes; expected a report of at most that size`, { cause: error })
      }
      return fail(`entry ${entry.name} does not inflate: ${(error as Error).message}`)
    }
  } else return fail(`entry ${entry.name} uses compression method ${entry.method}`)
  if (data.length !== entry.size || crc32(data) !== entry.crc) fail(`entry ${entry.name} fails its size or CRC-32 check`)
  return { name: entry.name, bytes: data }
}
