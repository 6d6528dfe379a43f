// MIME conformance: structure and boundaries, transfer encodings, 8-bit content, charsets.
import { isBase64Body } from '../decode-body.ts'
import type { Hit } from '../finding.ts'
import type { MessageFacts, TextPart } from '../message-facts.ts'
import { bodyLength, bodyText, type MessagePart, type ReadMessage } from '../read-message.ts'
import type { CheckContext } from './check.ts'

/** RFC 2045 §6.1 mechanisms; x-token encodings are private agreements receivers do not share. */
const TRANSFER_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'quoted-printable', 'base64'])
/** A base64 body is checked for stray characters in its first 64 KiB: mailers that break base64 break it everywhere, and a 20 MB attachment need not be read twice. */
const MAX_BASE64_CHECK_CHARS = 64 * 1024

export function checkMime(facts: MessageFacts, _context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const message = facts.message
  const root = message.root
  const hasMimeVersion = facts.all('mime-version').length > 0
  if (!hasMimeVersion && (facts.all('content-type').length > 0 || facts.all('content-transfer-encoding').length > 0)) {
    hits.push({ id: 'mime.version-missing', where: { header: 'MIME-Version' } })
  }
  for (const issue of message.issues) {
    const where = { part: issue.part, line: issue.line }
    const vars = { part: issue.part || '(top)', boundary: issue.detail ?? '', value: issue.detail ?? '' }
    switch (issue.kind) {
      case 'boundary-missing': hits.push({ id: 'mime.boundary-missing', where, vars }); break
      case 'boundary-not-found': hits.push({ id: 'mime.boundary-not-found', where, vars }); break
      case 'boundary-unclosed': hits.push({ id: 'mime.boundary-unclosed', where, vars }); break
      case 'boundary-in-content': hits.push({ id: 'mime.boundary-in-content', where, vars }); break
      case 'boundary-invalid': hits.push({ id: 'mime.boundary-invalid', where, vars }); break
      case 'too-deep': hits.push({ id: 'mime.structure-limit', where, vars: { ...vars, problem: 'nested too deep' } }); break
      case 'too-many-parts': hits.push({ id: 'mime.structure-limit', where, vars: { ...vars, problem: 'too many parts' } }); break
      default: break
    }
  }
  const textParts = new Map(facts.textParts.map((text) => [text.part, text]))
  visitParts(root, (part) => {
    const encoding = part.transferEncoding
    const label = part.path || '(top)'
    const where = { part: part.path, line: part.bodyLine }
    if (!TRANSFER_ENCODINGS.has(encoding)) {
      hits.push({ id: 'mime.transfer-encoding-invalid', where, vars: { part: label, encoding, problem: 'not a known encoding: expected 7bit, 8bit, quoted-printable or base64' } })
      return
    }
    if (part.contentType.startsWith('multipart/')) {
      if (encoding !== '7bit' && encoding !== '8bit' && encoding !== 'binary') {
        hits.push({ id: 'mime.transfer-encoding-invalid', where, vars: { part: label, encoding, problem: 'a multipart may only be 7bit, 8bit or binary (RFC 2045 §6.4)' } })
      }
      return
    }
    // as the message has it (a CRLF is no high byte); base64 is read as LF text below
    const body = message.text.slice(part.bodyStart, part.bodyEnd)
    // a text part's bytes were looked at once already (isAscii over the buffer)
    const textPart = textParts.get(part)
    const hasHighBytes = encoding === 'base64' || encoding === 'quoted-printable' ? false
      : textPart !== undefined && encoding === '7bit' && textPart.sizeBytes === bodyLength(message, part) ? textPart.hasHighBytes : /[\x80-\xff]/.test(body)
    if (encoding === '7bit' && hasHighBytes) {
      hits.push({ id: 'mime.8bit-without-mime', where, vars: { part: label, encoding: facts.all('content-transfer-encoding').length > 0 || part.path !== '' ? '7bit' : 'absent (7bit)' } })
    } else if ((encoding === '8bit' || encoding === 'binary') && !hasMimeVersion && hasHighBytes) {
      hits.push({ id: 'mime.8bit-without-mime', where, vars: { part: label, encoding: `${encoding} without MIME-Version` } })
    }
    if (encoding === 'base64' && !isCleanBase64(message, part, textPart)) {
      hits.push({ id: 'mime.transfer-encoding-invalid', where, vars: { part: label, encoding, problem: 'characters outside the base64 alphabet' } })
    }
  })
  for (const text of facts.textParts) {
    const label = text.part.path || '(top)'
    const where = { part: text.part.path, line: text.part.bodyLine }
    if (text.transferProblem !== undefined && text.part.transferEncoding === 'quoted-printable') {
      hits.push({ id: 'mime.transfer-encoding-invalid', where, vars: { part: label, encoding: 'quoted-printable', problem: text.transferProblem } })
    }
    if (text.charset === undefined) {
      const body = bodyText(message, text.part, 65_536)
      if (text.hasHighBytes || body.includes('\x1b$B') || body.includes('\x1b$@')) hits.push({ id: 'mime.charset-missing', where, vars: { part: label } })
      continue
    }
    if (text.text !== undefined) continue
    if (unknownCharset(text.charset)) hits.push({ id: 'mime.charset-unknown', where, vars: { part: label, charset: text.charset } })
    else hits.push({ id: 'mime.charset-undecodable', where, vars: { part: label, charset: text.charset } })
  }
  return hits
}

/**
 * Whether a base64 body (its first MAX_BASE64_CHECK_CHARS, to the last line end in them) holds
 * only the base64 alphabet. A text part's whole body went through the same test when it was
 * decoded. The cut is made at a line end so that the lines kept hold whole groups of four, which
 * isBase64Body's fast path needs: cut anywhere, one body in four left it to the regex (~30 µs).
 */
function isCleanBase64(message: ReadMessage, part: MessagePart, textPart: TextPart | undefined): boolean {
  const length = bodyLength(message, part)
  if (textPart !== undefined && length <= MAX_BASE64_CHECK_CHARS) return textPart.transferProblem === undefined
  const head = bodyText(message, part, MAX_BASE64_CHECK_CHARS)
  const lastLineEnd = head.length < length ? head.lastIndexOf('\n') : -1
  return isBase64Body(lastLineEnd > 0 ? head.slice(0, lastLineEnd + 1) : head)
}

function unknownCharset(charset: string): boolean {
  if (charset === 'us-ascii' || charset === 'utf-7') return false
  try {
    new TextDecoder(charset)
    return false
  } catch {
    return true
  }
}

function visitParts(part: MessagePart, visit: (part: MessagePart) => void): void {
  visit(part)
  for (const child of part.parts) visitParts(child, visit)
}

