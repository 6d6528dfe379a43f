// A raw RFC 5322 message made ready to queue: CRLF line ends, no Bcc field, Date and
// Message-ID present, and the From address it is sent for. Pure; copies only what it changes.
import { parseAddress, splitAddressList, type Address } from './address.ts'
import type { FieldError } from './inject-request.ts'

/**
 * Longest header section we read. Threat: a "message" that is one endless header, which
 * every later step (DKIM, the receiver) would have to scan; real ones are a few KiB.
 */
export const MAX_HEADER_SECTION_BYTES = 1024 * 1024

const CR = 0x0d
const LF = 0x0a

export interface RawContext {
  readonly nowMs: number
  /** a Message-ID for a sending domain, made only when the message lacks one */
  readonly createMessageId: (domain: string) => string
}

export type PreparedRaw =
  | { readonly ok: true; readonly content: Uint8Array; readonly from: Address }
  | { readonly ok: false; readonly errors: FieldError[] }

/** Check and complete a raw message. `field` names it in errors ('raw'). */
export function prepareRawMessage(bytes: Uint8Array, context: RawContext, field = 'raw'): PreparedRaw {
  const content = toCrlf(bytes)
  const headerEnd = findHeaderEnd(content)
  if (headerEnd > MAX_HEADER_SECTION_BYTES) {
    return fail(field, `the header section is over ${MAX_HEADER_SECTION_BYTES} bytes: expected header fields, a blank line, then the body`)
  }
  // latin1 maps byte to char one to one, so offsets in the string are offsets in the bytes
  const headerText = Buffer.from(content.buffer, content.byteOffset, headerEnd).toString('latin1')
  const fields = splitHeaderFields(headerText)
  if (fields.length === 0 || !/^[\x21-\x39\x3b-\x7e]+:/.test(headerText)) {
    return fail(field, 'it does not start with a header field: expected an RFC 5322 message (header fields, a blank line, the body)')
  }
  const fromFields = fields.filter((f) => f.name === 'from')
  if (fromFields.length !== 1) {
    return fail(`${field}.headers.From`, `${fromFields.length} From fields: expected exactly one (RFC 5322 §3.6)`)
  }
  const fromValue = Buffer.from(fromFields[0].value, 'latin1').toString('utf8').replace(/\r\n[ \t]/g, ' ').trim()
  const firstMailbox = splitAddressList(fromValue)[0] ?? ''
  const parsed = parseAddress(firstMailbox)
  if (!parsed.ok) return fail(`${field}.headers.From`, parsed.error)

  const additions: string[] = []
  if (!fields.some((f) => f.name === 'date')) additions.push(`Date: ${formatRfc5322Date(context.nowMs)}\r\n`)
  if (!fields.some((f) => f.name === 'message-id')) additions.push(`Message-ID: ${context.createMessageId(parsed.address.domain)}\r\n`)
  const bccFields = fields.filter((f) => f.name === 'bcc')
  if (additions.length === 0 && bccFields.length === 0) return { ok: true, content, from: parsed.address }

  const parts: Uint8Array[] = additions.map((line) => Buffer.from(line, 'latin1'))
  let offset = 0
  for (const bcc of bccFields) {
    parts.push(content.subarray(offset, bcc.start))
    offset = bcc.end
  }
  parts.push(content.subarray(offset))
  return { ok: true, content: Buffer.concat(parts), from: parsed.address }
}

/** The bytes with every bare LF made CRLF; the same bytes when there is none. */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  let bareCount = 0
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) {
    if (i === 0 || bytes[i - 1] !== CR) bareCount++
  }
  if (bareCount === 0) return bytes
  const out = new Uint8Array(bytes.length + bareCount)
  let o = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte === LF && (i === 0 || bytes[i - 1] !== CR)) out[o++] = CR
    out[o++] = byte
  }
  return out
}

/** Offset just past the header section's last CRLF (before the blank line), or the length. */
function findHeaderEnd(content: Uint8Array): number {
  if (content[0] === CR && content[1] === LF) return 0
  const blank = Buffer.from(content.buffer, content.byteOffset, content.byteLength).indexOf('\r\n\r\n')
  return blank < 0 ? content.length : blank + 2
}

interface HeaderField {
  /** lower-cased */
  readonly name: string
  /** the raw value, folding kept */
  readonly value: string
  /** byte offsets of the whole field, its final CRLF included */
  readonly start: number
  readonly end: number
}

function splitHeaderFields(headerText: string): HeaderField[] {
  const fields: HeaderField[] = []
  let start = 0
  while (start < headerText.length) {
    let end = headerText.indexOf('\r\n', start)
    while (end >= 0 && (headerText[end + 2] === ' ' || headerText[end + 2] === '\t')) end = headerText.indexOf('\r\n', end + 2)
    end = end < 0 ? headerText.length : end + 2
    const line = headerText.slice(start, end)
    const colon = line.indexOf(':')
    if (colon > 0) fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1), start, end })
    start = end
  }
  return fields
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** RFC 5322 §3.3 date-time in UTC: 'Thu, 01 Jan 1970 00:00:00 +0000'. */
export function formatRfc5322Date(epochMs: number): string {
  const d = new Date(epochMs)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
}

function fail(field: string, message: string): PreparedRaw {
  return { ok: false, errors: [{ field, message }] }
}
