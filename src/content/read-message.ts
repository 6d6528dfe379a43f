// A MIME reader for the preflight. Why not src/bounce's parseMail: it is made to read broken
// bounces leniently, so it normalizes line ends, drops binary parts' bytes and forgives a
// missing boundary — exactly what a conformance check must see. The preflight needs the raw
// header lines with their line numbers, each part's byte range (for attachments and charset
// checks), and a record of what was structurally wrong. It never throws on malformed input.
import { isAscii } from 'node:buffer'
import {
  MAX_LINT_HEADER_FIELDS, MAX_LINT_MESSAGE_BYTES, MAX_LINT_MIME_DEPTH, MAX_LINT_PARTS,
} from './limits.ts'
import { parseParams } from './header-params.ts'

export interface HeaderField {
  /** as written: 'Message-ID' */
  readonly name: string
  readonly lower: string
  /** unfolded, leading white space removed, raw bytes as latin1 characters */
  readonly value: string
  /** 1-based line of the message where the field starts */
  readonly line: number
}

export interface MessagePart {
  /** '' for the top level, '1', '1.2' below it (IMAP section numbers) */
  readonly path: string
  readonly fields: readonly HeaderField[]
  /** lower-cased type/subtype; text/plain when absent (RFC 2045 §5.2) */
  readonly contentType: string
  readonly params: Readonly<Record<string, string>>
  /** lower-cased Content-Transfer-Encoding; '7bit' when absent */
  readonly transferEncoding: string
  readonly disposition: string
  /** attachment file name (Content-Disposition filename, else Content-Type name), decoded */
  readonly filename?: string
  /** offsets of the body in ReadMessage.text */
  readonly bodyStart: number
  readonly bodyEnd: number
  readonly bodyLine: number
  readonly parts: readonly MessagePart[]
}

/** A structural fault the reader met, for the MIME check to report. */
export interface StructureIssue {
  readonly kind: 'boundary-missing' | 'boundary-not-found' | 'boundary-unclosed' | 'boundary-in-content' | 'boundary-invalid' | 'malformed-field' | 'too-deep' | 'too-many-parts' | 'no-header-end'
  readonly part: string
  readonly line: number
  readonly detail?: string
}

export interface ReadMessage {
  /** the message as latin1 characters (one per byte), line ends made LF; line numbers unchanged */
  readonly text: string
  readonly sizeBytes: number
  /** every byte (of those read) is below 0x80: then a body under an identity transfer encoding is its own text */
  readonly isAscii: boolean
  readonly usesCrlf: boolean
  readonly root: MessagePart
  /** header lines longer than 998 octets, line numbers */
  readonly longHeaderLines: readonly number[]
  /** body lines longer than 998 octets, line numbers */
  readonly longBodyLines: readonly number[]
  readonly bareCrLines: readonly number[]
  /** LF without CR in a message that otherwise ends lines with CRLF */
  readonly bareLfLines: readonly number[]
  readonly issues: readonly StructureIssue[]
  /** 1-based line of an offset in `text` */
  lineOf(offset: number): number
}

/** RFC 5322 §2.1.1: each line MUST be no more than 998 characters, excluding the CRLF. */
export const MAX_LINE_OCTETS = 998

export function readMessage(input: Uint8Array): ReadMessage {
  const bytes = Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, MAX_LINT_MESSAGE_BYTES))
  const raw = bytes.toString('latin1')
  const usesCrlf = raw.includes('\r\n')
  const text = usesCrlf ? raw.replace(/\r\n/g, '\n') : raw
  const hasBareCr = text.includes('\r')
  const longHeaderLines: number[] = []
  const longBodyLines: number[] = []
  const bareCrLines: number[] = []
  const bareLfLines: number[] = []
  const lineStarts: number[] = [0]
  // one pass over the raw lines: where each starts, and the few that are long or end in a bare LF
  const longLines: number[] = []
  for (let start = 0; ;) {
    const end = raw.indexOf('\n', start)
    if (end === -1) {
      if (raw.length - start > MAX_LINE_OCTETS) longLines.push(lineStarts.length)
      break
    }
    const endsInCr = end > start && raw.charCodeAt(end - 1) === 13
    if (end - start - (endsInCr ? 1 : 0) > MAX_LINE_OCTETS) longLines.push(lineStarts.length)
    if (usesCrlf && !endsInCr) bareLfLines.push(lineStarts.length)
    start = end + 1
    lineStarts.push(start)
  }
  // the header ends at the first empty line (a message that is one empty line has none)
  let headerLines = lineStarts.length
  for (let line = 1; line <= lineStarts.length; line++) {
    const start = lineStarts[line - 1]
    const end = line < lineStarts.length ? lineStarts[line] - 1 : raw.length
    const contentEnd = end > start && raw.charCodeAt(end - 1) === 13 ? end - 1 : end
    if (contentEnd === start && !(line === 1 && lineStarts.length === 1)) {
      headerLines = line - 1
      break
    }
  }
  for (const line of longLines) (line <= headerLines ? longHeaderLines : longBodyLines).push(line)
  if (hasBareCr) {
    // a CR still there once the CRLF pairs are gone is a bare one: only then look for one line by line
    for (let line = 1; line <= lineStarts.length; line++) {
      const start = lineStarts[line - 1]
      const end = line < lineStarts.length ? lineStarts[line] - 1 : raw.length
      const contentEnd = end > start && raw.charCodeAt(end - 1) === 13 ? end - 1 : end
      const cr = raw.indexOf('\r', start)
      if (cr !== -1 && cr < contentEnd) bareCrLines.push(line)
    }
  }

  const lineOf = (offset: number): number => {
    let low = 0
    let high = lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      // offsets in `text` shift left by one per CRLF removed before them: line k starts at lineStarts[k] - k
      if (lineStarts[mid] - (usesCrlf ? mid : 0) <= offset) low = mid
      else high = mid - 1
    }
    return low + 1
  }

  const issues: StructureIssue[] = []
  const budget = { parts: 0 }
  let messageStart = 0
  // An mbox envelope line ("From MAILER-DAEMON Thu Apr 29 23:34:45 2004") opens many saved mails: it is no header field.
  if (text.startsWith('From ')) messageStart = text.indexOf('\n') + 1 || text.length
  const root = readPart(text, messageStart, text.length, '', 0, [], issues, budget, lineOf)
  return { text, sizeBytes: input.byteLength, isAscii: isAscii(bytes), usesCrlf, root, longHeaderLines, longBodyLines, bareCrLines, bareLfLines, issues, lineOf }
}

/** RFC 5322 §3.6.8: field names are printable US-ASCII except colon. */
const FIELD_NAME = /^[!-9;-~]+$/

function readPart(
  text: string, start: number, end: number, path: string, depth: number, boundaries: readonly string[],
  issues: StructureIssue[], budget: { parts: number }, lineOf: (offset: number) => number,
): MessagePart {
  budget.parts++
  const fields: HeaderField[] = []
  let position = start
  let bodyStart = end
  let previous: { name: string; lower: string; value: string; line: number } | undefined
  const flush = () => {
    if (previous !== undefined && fields.length < MAX_LINT_HEADER_FIELDS) fields.push(previous)
    previous = undefined
  }
  let foundEnd = false
  while (position < end) {
    let lineEnd = text.indexOf('\n', position)
    if (lineEnd === -1 || lineEnd > end) lineEnd = end
    const lineText = text.slice(position, lineEnd)
    if (lineText === '') {
      bodyStart = Math.min(lineEnd + 1, end)
      foundEnd = true
      break
    }
    const first = lineText.charCodeAt(0)
    if (first === 32 || first === 9) {
      if (previous !== undefined) previous.value += lineText
      else issues.push({ kind: 'malformed-field', part: path, line: lineOf(position), detail: lineText.slice(0, 60) })
    } else {
      const colon = lineText.indexOf(':')
      // the name without white space before the colon, the value without white space after it
      let nameEnd = colon
      while (nameEnd > 0 && isBlank(lineText.charCodeAt(nameEnd - 1))) nameEnd--
      const name = colon > 0 ? lineText.slice(0, nameEnd) : ''
      if (name === '' || !FIELD_NAME.test(name)) {
        flush()
        issues.push({ kind: 'malformed-field', part: path, line: lineOf(position), detail: lineText.slice(0, 60) })
      } else {
        flush()
        let valueStart = colon + 1
        while (isBlank(lineText.charCodeAt(valueStart))) valueStart++
        previous = { name, lower: name.toLowerCase(), value: lineText.slice(valueStart), line: lineOf(position) }
      }
    }
    position = lineEnd + 1
  }
  flush()
  if (!foundEnd && path === '' && position < end) issues.push({ kind: 'no-header-end', part: path, line: lineOf(start) })

  const get = (name: string) => fields.find((field) => field.lower === name)?.value
  const type = parseParams(get('content-type'))
  const contentType = type.value.includes('/') ? type.value : 'text/plain'
  const disposition = parseParams(get('content-disposition'))
  const filename = disposition.params.filename ?? type.params.name
  const transferEncoding = (get('content-transfer-encoding') ?? '7bit').trim().toLowerCase() || '7bit'
  const bodyLine = lineOf(bodyStart)
  const parts: MessagePart[] = []

  if (contentType.startsWith('multipart/')) {
    const boundary = type.params.boundary
    if (boundary === undefined || boundary === '') {
      issues.push({ kind: 'boundary-missing', part: path, line: lineOf(start) })
    } else if (depth >= MAX_LINT_MIME_DEPTH) {
      issues.push({ kind: 'too-deep', part: path, line: bodyLine })
    } else {
      // RFC 2046 §5.1.1: 1 to 70 characters of bchars, not ending in a space
      if (!/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) {
        issues.push({ kind: 'boundary-invalid', part: path, line: lineOf(start), detail: boundary.slice(0, 80) })
      }
      splitMultipart(text, bodyStart, end, boundary, path, depth, [...boundaries, boundary], issues, budget, lineOf, parts)
    }
  }
  return {
    path, fields, contentType, params: type.params, transferEncoding, disposition: disposition.value,
    ...(filename === undefined ? {} : { filename }), bodyStart, bodyEnd: end, bodyLine, parts,
  }
}

function splitMultipart(
  text: string, start: number, end: number, boundary: string, path: string, depth: number, boundaries: readonly string[],
  issues: StructureIssue[], budget: { parts: number }, lineOf: (offset: number) => number, parts: MessagePart[],
): void {
  const delimiter = `--${boundary}`
  // Delimiter lines: "--boundary" then only white space (RFC 2046 §5.1.1 transport padding), or "--boundary--".
  let search = start
  let partStart = -1
  let closed = false
  let opened = false
  while (search < end) {
    const at = text.indexOf(delimiter, search)
    if (at === -1 || at >= end) break
    search = at + delimiter.length
    if (at !== start && text.charCodeAt(at - 1) !== 10) continue
    let lineEnd = text.indexOf('\n', at)
    if (lineEnd === -1 || lineEnd > end) lineEnd = end
    const rest = text.slice(at + delimiter.length, lineEnd)
    const isClose = rest.startsWith('--') && /^[ \t]*$/.test(rest.slice(2))
    if (!isClose && !/^[ \t]*$/.test(rest)) {
      issues.push({ kind: 'boundary-in-content', part: path, line: lineOf(at), detail: text.slice(at, Math.min(lineEnd, at + 80)) })
      continue
    }
    if (partStart !== -1) {
      // the line end before the delimiter belongs to the delimiter (RFC 2046 §5.1.1)
      const partEnd = Math.max(partStart, at - 1)
      if (budget.parts >= MAX_LINT_PARTS) {
        issues.push({ kind: 'too-many-parts', part: path, line: lineOf(at) })
        return
      }
      parts.push(readPart(text, partStart, partEnd, path === '' ? String(parts.length + 1) : `${path}.${parts.length + 1}`, depth + 1, boundaries, issues, budget, lineOf))
    }
    opened = true
    if (isClose) {
      closed = true
      break
    }
    partStart = Math.min(lineEnd + 1, end)
    search = partStart
  }
  if (!opened) {
    issues.push({ kind: 'boundary-not-found', part: path, line: lineOf(start), detail: boundary.slice(0, 80) })
    return
  }
  if (!closed) {
    issues.push({ kind: 'boundary-unclosed', part: path, line: lineOf(end > start ? end - 1 : start), detail: boundary.slice(0, 80) })
    if (partStart !== -1 && partStart < end && budget.parts < MAX_LINT_PARTS) {
      parts.push(readPart(text, partStart, end, path === '' ? String(parts.length + 1) : `${path}.${parts.length + 1}`, depth + 1, boundaries, issues, budget, lineOf))
    }
  }
}

/** A space or a tab. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9
}

/** The first field of a name (lower case) in a part's header. */
export function fieldOf(part: MessagePart, lower: string): HeaderField | undefined {
  return part.fields.find((field) => field.lower === lower)
}

/** Every leaf (non-multipart) part, in order. */
export function leavesOf(part: MessagePart): MessagePart[] {
  if (part.parts.length === 0) return part.contentType.startsWith('multipart/') ? [] : [part]
  return part.parts.flatMap(leavesOf)
}
