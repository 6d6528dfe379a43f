// A MIME reader made for bounces. Why our own rather than a general MIME library: a bounce
// parser needs the returned message's raw header lines and the exact text of broken,
// truncated and non-MIME notices, must never throw on them, must not decode a 20 MB
// attachment it will never read, and runs tens of thousands of mails per second.

import { decodeCharset, decodeTransfer } from './decode.ts'
import {
  MAX_HEADER_BYTES, MAX_MESSAGE_BYTES, MAX_MIME_DEPTH, MAX_MIME_PARTS, MAX_TEXT_CHARS, MAX_TEXT_PART_BYTES,
} from './limits.ts'
import { parseHeaderBlock, parseHeaderParams, headersOf, type MailHeaders } from './mail-headers.ts'

/** One MIME part. Leaves of a readable type carry decoded `text`; multiparts carry `parts`. */
export interface MailPart {
  readonly headers: MailHeaders
  /** lower-cased `type/subtype`; `text/plain` when absent */
  readonly contentType: string
  readonly params: Readonly<Record<string, string>>
  /** decoded text for text/*, message/delivery-status, message/feedback-report and the like; '' for binary parts */
  readonly text: string
  readonly parts: readonly MailPart[]
  /** for message/rfc822 (and text/rfc822-headers) parts: the enclosed message */
  readonly message?: ParsedMail
  /** leaf parts: the body as transferred (binary string, Content-Transfer-Encoding not undone); read its bytes with `partBytes` */
  readonly body?: string
}

/** A mail as the bounce sources see it. */
export interface ParsedMail {
  readonly headers: MailHeaders
  readonly root: MailPart
  /** Human-readable text in order, LF line ends: text/plain parts (HTML as text when it has no plain twin), without the delivery-status and the returned message. For a non-MIME mail, its whole body. */
  readonly text: string
  /** the first message/delivery-status (or message/global-delivery-status) part, decoded */
  readonly deliveryStatus?: string
  /** the first message/feedback-report part (RFC 5965), decoded */
  readonly feedbackReport?: string
  /** the returned original message: a message/rfc822 or text/rfc822-headers part */
  readonly original?: ParsedMail
}

/** Parses a mail from its bytes (or a string of its text). Never throws on malformed input. */
export function parseMail(input: Uint8Array | string): ParsedMail {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const binary = bytes.subarray(0, MAX_MESSAGE_BYTES).toString('latin1')
  return parseBinaryMessage(binary.includes('\r') ? binary.replace(/\r\n?/g, '\n') : binary, { parts: 0 }, 0)
}

interface Budget {
  parts: number
}

function parseBinaryMessage(binary: string, budget: Budget, depth: number): ParsedMail {
  const { headerBlock, body } = splitHeaderBody(binary)
  const headers = parseHeaderBlock(headerBlock)
  const root = parsePart(headers, body, budget, depth)
  const collected: Collected = { text: [], textChars: 0 }
  collect(root, collected, false)
  return {
    headers,
    root,
    text: collected.text.join('\n'),
    deliveryStatus: collected.deliveryStatus,
    feedbackReport: collected.feedbackReport,
    original: collected.original,
  }
}

const LOOKS_LIKE_FIELD = /^[!-9;-~]+[ \t]*:/

function splitHeaderBody(binary: string): { headerBlock: string; body: string } {
  // An mbox envelope line opens many saved mails and returned copies ("From MAILER-DAEMON  Thu Apr 29
  // 23:34:45 2004"); it is no header field, and left in place it would hide the whole header section.
  if (binary.startsWith('From ')) {
    const lineEnd = binary.indexOf('\n')
    binary = lineEnd === -1 ? '' : binary.slice(lineEnd + 1)
  }
  // Mail that opens with a blank line, or with text that is no header field, has no header section.
  if (!LOOKS_LIKE_FIELD.test(binary.slice(0, 1000))) return { headerBlock: '', body: binary.replace(/^\n/, '') }
  const end = binary.indexOf('\n\n')
  if (end === -1) {
    return binary.length <= MAX_HEADER_BYTES ? { headerBlock: binary, body: '' } : { headerBlock: binary.slice(0, MAX_HEADER_BYTES), body: binary.slice(MAX_HEADER_BYTES) }
  }
  if (end > MAX_HEADER_BYTES) return { headerBlock: binary.slice(0, MAX_HEADER_BYTES), body: binary.slice(end + 2) }
  return { headerBlock: binary.slice(0, end), body: binary.slice(end + 2) }
}

const EMPTY_HEADERS = headersOf([])

/** Types whose content is text a bounce source may read. */
function isReadable(type: string): boolean {
  return type.startsWith('text/') || type === 'message/delivery-status' || type === 'message/global-delivery-status' ||
    type === 'message/feedback-report' || type === 'message/disposition-notification' || type === ''
}

function parsePart(headers: MailHeaders, body: string, budget: Budget, depth: number): MailPart {
  budget.parts += 1
  const { value, params } = parseHeaderParams(headers.get('content-type'))
  const contentType = value.includes('/') ? value : 'text/plain'
  const base = { headers, contentType, params }

  if (contentType.startsWith('multipart/') && depth < MAX_MIME_DEPTH && params.boundary) {
    const bodies = splitMultipart(body, params.boundary)
    if (bodies) {
      const parts: MailPart[] = []
      for (const partBinary of bodies) {
        if (budget.parts >= MAX_MIME_PARTS) break
        const { headerBlock, body: partBody } = splitPartHeaders(partBinary)
        parts.push(parsePart(headerBlock ? parseHeaderBlock(headerBlock) : EMPTY_HEADERS, partBody, budget, depth + 1))
      }
      return { ...base, text: '', parts }
    }
    // A multipart whose boundary never appears: read the body as text (broken MIME is common in bounces).
    return { ...base, contentType: 'text/plain', text: decodeText(body, headers, params), parts: [] }
  }
  const encoding = headers.get('content-transfer-encoding')
  if ((contentType === 'message/rfc822' || contentType === 'message/global' || contentType === 'text/rfc822-headers' ||
      contentType === 'message/rfc822-headers') && depth < MAX_MIME_DEPTH) {
    const enclosed = decodeTransfer(body.slice(0, MAX_MESSAGE_BYTES), encoding)
    const message = parseBinaryMessage(enclosed.startsWith('\n') ? enclosed.slice(1) : enclosed, budget, depth + 1)
    return { ...base, text: '', parts: [], message }
  }
  if (contentType.startsWith('multipart/') || isReadable(contentType)) {
    return { ...base, text: decodeText(body, headers, params), parts: [], body }
  }
  return { ...base, text: '', parts: [], body }
}

/** A leaf part's decoded bytes (base64 / quoted-printable undone), e.g. an attachment's; empty for a multipart. */
export function partBytes(part: MailPart): Uint8Array {
  if (part.body === undefined) return new Uint8Array(0)
  return Buffer.from(decodeTransfer(part.body, part.headers.get('content-transfer-encoding')), 'latin1')
}

function decodeText(body: string, headers: MailHeaders, params: Readonly<Record<string, string>>): string {
  const octets = decodeTransfer(body.length > MAX_TEXT_PART_BYTES * 2 ? body.slice(0, MAX_TEXT_PART_BYTES * 2) : body, headers.get('content-transfer-encoding'))
  const text = decodeCharset(octets.length > MAX_TEXT_PART_BYTES ? octets.slice(0, MAX_TEXT_PART_BYTES) : octets, params.charset)
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text
}

/** The bodies between `--boundary` lines; undefined when the boundary never appears. */
function splitMultipart(body: string, boundary: string): string[] | undefined {
  const delimiter = '--' + boundary
  // Where the next delimiter line starts: at a line start, searched from a line break. (Not by
  // searching '\n' + body: that concatenation copies the whole body at every nesting level.)
  const nextDelimiter = (from: number): number => {
    const at = body.indexOf('\n' + delimiter, from)
    return at === -1 ? -1 : at + 1
  }
  let at = body.startsWith(delimiter) ? 0 : nextDelimiter(0)
  if (at === -1) return undefined
  const bodies: string[] = []
  while (at !== -1) {
    const lineEnd = body.indexOf('\n', at)
    if (lineEnd === -1 || body.startsWith(delimiter + '--', at)) break
    const next = nextDelimiter(lineEnd)
    bodies.push(body.slice(lineEnd + 1, next === -1 ? body.length : next - 1))
    at = next
    if (bodies.length >= MAX_MIME_PARTS) break
  }
  return bodies
}

function splitPartHeaders(part: string): { headerBlock: string; body: string } {
  if (part.startsWith('\n')) return { headerBlock: '', body: part.slice(1) }
  if (!LOOKS_LIKE_FIELD.test(part.slice(0, 200))) return { headerBlock: '', body: part }
  const end = part.indexOf('\n\n')
  if (end === -1) return { headerBlock: part.slice(0, MAX_HEADER_BYTES), body: '' }
  return { headerBlock: part.slice(0, Math.min(end, MAX_HEADER_BYTES)), body: part.slice(end + 2) }
}

interface Collected {
  text: string[]
  textChars: number
  deliveryStatus?: string
  feedbackReport?: string
  original?: ParsedMail
}

function collect(part: MailPart, into: Collected, isAlternative: boolean): void {
  const type = part.contentType
  if (part.parts.length > 0) {
    const alternative = type === 'multipart/alternative'
    const hasPlain = alternative && part.parts.some((child) => child.contentType === 'text/plain')
    for (const child of part.parts) {
      if (hasPlain && child.contentType === 'text/html') continue
      collect(child, into, alternative)
    }
    return
  }
  if (part.message) {
    into.original ??= part.message
    return
  }
  if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
    into.deliveryStatus ??= part.text
    return
  }
  if (type === 'message/feedback-report') {
    into.feedbackReport ??= part.text
    return
  }
  if (!part.text || isAttachment(part, isAlternative)) return
  const text = type === 'text/html' ? htmlToText(part.text) : part.text
  if (into.textChars + text.length > MAX_TEXT_CHARS) return
  into.text.push(text)
  into.textChars += text.length
}

function isAttachment(part: MailPart, isAlternative: boolean): boolean {
  if (isAlternative) return false
  const disposition = parseHeaderParams(part.headers.get('content-disposition'))
  if (disposition.value === 'attachment') return true
  return !part.contentType.startsWith('text/') && part.contentType !== 'message/disposition-notification'
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

// Every pattern below runs in linear time on hostile HTML: a tag match cannot cross another
// '<', and trailing blanks match only from the start of a run (the lookbehind). The plain
// forms (`<[^>]*>`, `[ \t]+\n`) rescan the rest of the text from every '<' or blank, which
// took minutes on one megabyte of '<' or spaces.
const BLOCK_END = /<br\s*\/?>|<\/(p|div|tr|li|h\d|table|blockquote)\s*>/gi
const TAG = /<[^<>]*>/g
const ENTITY = /&(#x[0-9a-f]+|#\d+|[a-z]+);/gi
const TRAILING_BLANKS = /(?<![ \t])[ \t]+\n/g
const HIDDEN_ELEMENT = /<(script|style|head)\b/gi

/** HTML → plain lines: enough for the notices some providers send as HTML only. */
export function htmlToText(html: string): string {
  return dropHiddenElements(html)
    .replace(BLOCK_END, '\n')
    .replace(TAG, '')
    .replace(ENTITY, (entity, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ''
      }
      return ENTITIES[name.toLowerCase()] ?? entity
    })
    .replace(TRAILING_BLANKS, '\n')
}

/** Removes <script>, <style> and <head> elements. An element never closed stays, as text to strip of tags. */
function dropHiddenElements(html: string): string {
  if (!html.includes('<')) return html
  const lower = html.toLowerCase()
  const unclosed = new Set<string>()
  let out = ''
  let from = 0
  HIDDEN_ELEMENT.lastIndex = 0
  for (let match = HIDDEN_ELEMENT.exec(html); match; match = HIDDEN_ELEMENT.exec(html)) {
    const name = match[1].toLowerCase()
    if (match.index < from || unclosed.has(name)) continue
    const close = lower.indexOf('</' + name, match.index)
    const closeEnd = close === -1 ? -1 : lower.indexOf('>', close)
    if (closeEnd === -1) {
      // No closing tag after this one, so none after any later one either: stop looking for it.
      unclosed.add(name)
      continue
    }
    out += html.slice(from, match.index)
    from = closeEnd + 1
    HIDDEN_ELEMENT.lastIndex = from
  }
  return out + html.slice(from)
}
