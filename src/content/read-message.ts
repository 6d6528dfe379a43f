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
  readonly kind: 'boundary-missing' | 'boundary-not-found' | 'boundary-unclosed' | 'boundary-in-content' | 'boundary-invalid' | 'malformed-field' | 'too-deep' | 'too-many-parts'
  readonly part: string
  readonly line: number
  readonly detail?: string
}

export interface ReadMessage {
  /**
   * the message as latin1 characters (one per byte); line numbers unchanged. When every line
   * ends in CRLF (`isCrlfText`), as written: making a 10 KB message LF-only cost a fifth of its
   * lint (a copy, then another to flatten it). Otherwise line ends are made LF.
   */
  readonly text: string
  /** every line end of `text` is CRLF (bare CRs may stand elsewhere); otherwise `text` has LF line ends */
  readonly isCrlfText: boolean
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
  /** offset in `text` where a 1-based line starts */
  lineStart(line: number): number
}

/** RFC 5322 §2.1.1: each line MUST be no more than 998 characters, excluding the CRLF. */
export const MAX_LINE_OCTETS = 998

export function readMessage(input: Uint8Array): ReadMessage {
  const bytes = Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, MAX_LINT_MESSAGE_BYTES))
  const raw = bytes.toString('latin1')
  const usesCrlf = raw.includes('\r\n')
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
    if (lineContentEnd(raw, lineStarts, line) === lineStarts[line - 1] && !(line === 1 && lineStarts.length === 1)) {
      headerLines = line - 1
      break
    }
  }
  for (const line of longLines) (line <= headerLines ? longHeaderLines : longBodyLines).push(line)
  // Every LF after a CR: the text keeps its CRLFs, and a line's content ends before its CR as it
  // would at the LF of the LF-only text (a bare CR stays where it is in both). A CR beyond one
  // per LF is a bare one.
  const isCrlfText = usesCrlf && bareLfLines.length === 0
  const text = isCrlfText || !usesCrlf ? raw : raw.replace(/\r\n/g, '\n')
  const hasBareCr = isCrlfText ? countOf(raw, '\r', lineStarts.length) > lineStarts.length - 1 : text.includes('\r')
  if (hasBareCr) {
    // a CR still there once the CRLF pairs are gone is a bare one: only then look for one line by line
    for (let line = 1; line <= lineStarts.length; line++) {
      const cr = raw.indexOf('\r', lineStarts[line - 1])
      if (cr !== -1 && cr < lineContentEnd(raw, lineStarts, line)) bareCrLines.push(line)
    }
  }

  // where each line starts in `text`: where it starts in the message, unless CRLFs were made LF before it
  const textStarts = usesCrlf && !isCrlfText ? lfLineStarts(raw, lineStarts) : lineStarts
  const lineOf = (offset: number): number => {
    let low = 0
    let high = textStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (textStarts[mid] <= offset) low = mid
      else high = mid - 1
    }
    return low + 1
  }

  const reading: Reading = { text, isCrlfText, issues: [], budget: { parts: 0 }, lineOf }
  let messageStart = 0
  // An mbox envelope line ("From MAILER-DAEMON Thu Apr 29 23:34:45 2004") opens many saved mails: it is no header field.
  if (text.startsWith('From ')) messageStart = text.indexOf('\n') + 1 || text.length
  const root = readPart(reading, messageStart, text.length, '', 0, [])
  const lineStart = (line: number): number => textStarts[line - 1]
  return { text, isCrlfText, sizeBytes: input.byteLength, isAscii: isAscii(bytes), usesCrlf, root, longHeaderLines, longBodyLines, bareCrLines, bareLfLines, issues: reading.issues, lineOf, lineStart }
}

/** What every part of one message is read with. */
interface Reading {
  readonly text: string
  readonly isCrlfText: boolean
  readonly issues: StructureIssue[]
  readonly budget: { parts: number }
  readonly lineOf: (offset: number) => number
}

/** Where the line ending at `lineEnd` (a LF, or the end of what is read) has its content end: before the CR of a CRLF when `text` keeps them. */
function contentEndOf(reading: Reading, start: number, lineEnd: number): number {
  const { text } = reading
  return reading.isCrlfText && lineEnd > start && text.charCodeAt(lineEnd) === 10 && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd
}

/** Where a 1-based line of the raw message ends: before its LF, and before one CR ahead of that. */
function lineContentEnd(raw: string, lineStarts: readonly number[], line: number): number {
  const start = lineStarts[line - 1]
  const end = line < lineStarts.length ? lineStarts[line] - 1 : raw.length
  return end > start && raw.charCodeAt(end - 1) === 13 ? end - 1 : end
}

/**
 * Where each line starts in the message with its CRLFs made LF: one character earlier per CRLF
 * before it. Only those: a line that ended in a bare LF lost no CR (a fuzzer's malformed field was
 * put on line 6 instead of 5 when every line was taken to have lost one).
 */
function lfLineStarts(raw: string, lineStarts: readonly number[]): number[] {
  const starts = [0]
  let crlfs = 0
  for (let line = 1; line < lineStarts.length; line++) {
    // the line before ended at lineStarts[line] - 1, in a CRLF when a CR stands before its LF
    if (raw.charCodeAt(lineStarts[line] - 2) === 13) crlfs++
    starts.push(lineStarts[line] - crlfs)
  }
  return starts
}

/** How many times `char` occurs in text, counting no further than `limit`. */
function countOf(text: string, char: string, limit: number): number {
  let count = 0
  for (let at = text.indexOf(char); at !== -1 && count <= limit; at = text.indexOf(char, at + 1)) count++
  return count
}

function readPart(reading: Reading, start: number, end: number, path: string, depth: number, boundaries: readonly string[]): MessagePart {
  const { text, issues, lineOf } = reading
  reading.budget.parts++
  const fields: HeaderField[] = []
  let position = start
  let bodyStart = end
  // the header lines follow one another: one line number looked up, then counted
  let line = lineOf(start)
  let previous: { name: string; lower: string; value: string; line: number } | undefined
  // the three fields this reader itself needs, found as the fields are kept
  let contentTypeValue: string | undefined
  let dispositionValue: string | undefined
  let encodingValue: string | undefined
  const flush = () => {
    if (previous !== undefined && fields.length < MAX_LINT_HEADER_FIELDS) {
      fields.push(previous)
      const { lower, value } = previous
      if (lower === 'content-type') contentTypeValue ??= value
      else if (lower === 'content-disposition') dispositionValue ??= value
      else if (lower === 'content-transfer-encoding') encodingValue ??= value
    }
    previous = undefined
  }
  while (position < end) {
    let lineEnd = text.indexOf('\n', position)
    if (lineEnd === -1 || lineEnd > end) lineEnd = end
    const contentEnd = contentEndOf(reading, position, lineEnd)
    if (contentEnd === position) {
      bodyStart = Math.min(lineEnd + 1, end)
      break
    }
    const first = text.charCodeAt(position)
    if (first === 32 || first === 9) {
      if (previous !== undefined) previous.value += text.slice(position, contentEnd)
      else issues.push({ kind: 'malformed-field', part: path, line, detail: text.slice(position, Math.min(contentEnd, position + 60)) })
    } else {
      // "Content-Type : text/plain": the name, white space, the colon, white space, the value
      let nameEnd = position
      while (nameEnd < contentEnd && isFieldNameChar(text.charCodeAt(nameEnd))) nameEnd++
      let colon = nameEnd
      while (colon < contentEnd && isBlank(text.charCodeAt(colon))) colon++
      flush()
      if (nameEnd === position || colon === contentEnd || text.charCodeAt(colon) !== 58) {
        issues.push({ kind: 'malformed-field', part: path, line, detail: text.slice(position, Math.min(contentEnd, position + 60)) })
      } else {
        let valueStart = colon + 1
        while (valueStart < contentEnd && isBlank(text.charCodeAt(valueStart))) valueStart++
        const name = text.slice(position, nameEnd)
        previous = { name, lower: name.toLowerCase(), value: text.slice(valueStart, contentEnd), line }
      }
    }
    position = lineEnd + 1
    line++
  }
  flush()

  const type = parseParams(contentTypeValue)
  const contentType = type.value.includes('/') ? type.value : 'text/plain'
  const disposition = parseParams(dispositionValue)
  const filename = disposition.params.filename ?? type.params.name
  const transferEncoding = (encodingValue ?? '7bit').trim().toLowerCase() || '7bit'
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
      splitMultipart(reading, bodyStart, end, boundary, path, depth, [...boundaries, boundary], parts)
    }
  }
  return {
    path, fields, contentType, params: type.params, transferEncoding, disposition: disposition.value,
    ...(filename === undefined ? {} : { filename }), bodyStart, bodyEnd: end, bodyLine, parts,
  }
}

function splitMultipart(
  reading: Reading, start: number, end: number, boundary: string, path: string, depth: number, boundaries: readonly string[], parts: MessagePart[],
): void {
  const { text, issues, budget, lineOf } = reading
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
    const contentEnd = contentEndOf(reading, at, lineEnd)
    const rest = text.slice(at + delimiter.length, contentEnd)
    const isClose = rest.startsWith('--') && /^[ \t]*$/.test(rest.slice(2))
    if (!isClose && !/^[ \t]*$/.test(rest)) {
      issues.push({ kind: 'boundary-in-content', part: path, line: lineOf(at), detail: text.slice(at, Math.min(contentEnd, at + 80)) })
      continue
    }
    if (partStart !== -1) {
      // the line end before the delimiter belongs to the delimiter (RFC 2046 §5.1.1)
      const partEnd = Math.max(partStart, at - (reading.isCrlfText ? 2 : 1))
      if (budget.parts >= MAX_LINT_PARTS) {
        issues.push({ kind: 'too-many-parts', part: path, line: lineOf(at) })
        return
      }
      parts.push(readPart(reading, partStart, partEnd, path === '' ? String(parts.length + 1) : `${path}.${parts.length + 1}`, depth + 1, boundaries))
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
      parts.push(readPart(reading, partStart, end, path === '' ? String(parts.length + 1) : `${path}.${parts.length + 1}`, depth + 1, boundaries))
    }
  }
}

/**
 * A part's body as LF text (what `text` holds when it is made LF-only), its first `maxChars`
 * characters at most: for the readers that count characters or decode.
 */
export function bodyText(message: ReadMessage, part: MessagePart, maxChars = Infinity): string {
  if (!message.isCrlfText) return message.text.slice(part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + maxChars))
  // maxChars LF characters are at most twice as many with CRLFs: one cut past a CR is cut off after
  const crlf = message.text.slice(part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + 2 * maxChars))
  const lf = crlf.replace(/\r\n/g, '\n')
  return lf.length > maxChars ? lf.slice(0, maxChars) : lf
}

/** Characters of a part's body as LF text. */
export function bodyLength(message: ReadMessage, part: MessagePart): number {
  return part.bodyEnd - part.bodyStart - crlfsOf(message, part)
}

/** CRLFs in a part's body: none when `text` is LF-only, else one per line end (its body starts after one and ends before one). */
export function crlfsOf(message: ReadMessage, part: MessagePart): number {
  return message.isCrlfText ? message.lineOf(part.bodyEnd) - message.lineOf(part.bodyStart) : 0
}

/** RFC 5322 §3.6.8: field names are printable US-ASCII except colon. */
function isFieldNameChar(code: number): boolean {
  return code >= 33 && code <= 126 && code !== 58
}

/** A space or a tab. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9
}

/** Every leaf (non-multipart) part, in order. */
export function leavesOf(part: MessagePart): MessagePart[] {
  if (part.parts.length === 0) return part.contentType.startsWith('multipart/') ? [] : [part]
  return part.parts.flatMap(leavesOf)
}
