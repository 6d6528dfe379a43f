// SMTP replies as a client reads them (RFC 5321 §4.2): incremental parsing from the byte
// stream, multi-line replies, the enhanced status (RFC 2034 §3) and EHLO capabilities.
// Pure: bytes in, plain data out; the socket lives in client-connection.ts.

/** One complete reply from the server. */
export interface SmtpReply {
  /** basic reply code, 200–599 (RFC 5321 §4.2.1) */
  readonly code: number
  /** enhanced status at the start of the first line's text ("5.1.1"), when the server sent one */
  readonly enhancedStatus?: string
  /** each line's text, without the code and its separator: ['5.1.1 The email account … does not exist.', …] */
  readonly lines: readonly string[]
  /** the lines' texts joined with '\n' */
  readonly text: string
}

/**
 * Longest reply line we buffer, CRLF included. RFC 5321 §4.5.3.1.5 allows 512 octets; real
 * servers send longer (Microsoft's 5.7.x texts with URLs run to ~1 KB). Threat: a server that
 * never sends a line end would make us buffer without bound.
 */
export const MAX_REPLY_LINE_BYTES = 8192

/**
 * Most lines in one reply. EHLO replies run to ~20 lines, rejections to ~10. Threat: a server
 * that sends "250-…" lines forever would grow one reply without bound and never complete it.
 */
export const MAX_REPLY_LINES = 200

/** Why a reply stream could not be read (the connection is unusable after this). */
export interface ReplyStreamFailure {
  readonly reason: 'line-too-long' | 'too-many-lines' | 'not-a-reply-line'
  /** the offending line, cut to 200 characters */
  readonly line: string
}

/** What one chunk of bytes completed. */
export interface ReplyChunkResult {
  readonly replies: readonly SmtpReply[]
  /** set once the stream is broken; every later push returns it again */
  readonly failure?: ReplyStreamFailure
}

/** Reads replies from a byte stream that arrives in arbitrary pieces. */
export interface ReplyReader {
  push(chunk: Uint8Array): ReplyChunkResult
  /** bytes received but not yet part of a complete reply (a partial line or the first lines of a multi-line reply) */
  hasPendingInput(): boolean
}

const LF = 10
const CR = 13
const NO_REPLIES: readonly SmtpReply[] = Object.freeze([])

export function createReplyReader(): ReplyReader {
  let partial: Buffer | undefined // bytes of an unfinished line
  let lines: string[] = [] // texts of an unfinished multi-line reply
  let failure: ReplyStreamFailure | undefined

  function fail(reason: ReplyStreamFailure['reason'], line: string): ReplyChunkResult {
    failure = { reason, line: line.slice(0, 200) }
    partial = undefined
    lines = []
    return { replies: NO_REPLIES, failure }
  }

  return {
    hasPendingInput: () => partial !== undefined || lines.length > 0,
    push(chunk) {
      if (failure !== undefined) return { replies: NO_REPLIES, failure }
      let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      if (partial !== undefined) {
        bytes = Buffer.concat([partial, bytes])
        partial = undefined
      }
      let replies: SmtpReply[] | undefined
      let start = 0
      for (let end = bytes.indexOf(LF, start); end >= 0; end = bytes.indexOf(LF, start)) {
        if (end + 1 - start > MAX_REPLY_LINE_BYTES) return fail('line-too-long', bytes.toString('latin1', start, start + 200))
        const contentEnd = end > start && bytes[end - 1] === CR ? end - 1 : end
        const line = bytes.toString('utf8', start, contentEnd)
        start = end + 1
        const code = lineCode(line)
        if (code === 0) return fail('not-a-reply-line', line)
        lines.push(line.length > 4 ? line.slice(4) : '')
        if (line.length > 3 && line.charCodeAt(3) === 45 /* '-' */) {
          if (lines.length >= MAX_REPLY_LINES) return fail('too-many-lines', line)
          continue
        }
        ;(replies ??= []).push(makeReply(code, lines))
        lines = []
      }
      if (start < bytes.length) {
        if (bytes.length - start >= MAX_REPLY_LINE_BYTES) return fail('line-too-long', bytes.toString('latin1', start, start + 200))
        partial = bytes.subarray(start)
      }
      return { replies: replies ?? NO_REPLIES }
    },
  }
}

/** The code of a reply line ("250-…", "250 …", "250"), or 0 when the line is not one. */
function lineCode(line: string): number {
  if (line.length < 3) return 0
  const a = line.charCodeAt(0) - 48
  const b = line.charCodeAt(1) - 48
  const c = line.charCodeAt(2) - 48
  if (a < 2 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9) return 0
  if (line.length > 3) {
    const separator = line.charCodeAt(3)
    if (separator !== 32 && separator !== 45) return 0
  }
  return a * 100 + b * 10 + c
}

function makeReply(code: number, lines: readonly string[]): SmtpReply {
  const enhancedStatus = readEnhancedStatus(lines[0], code)
  const text = lines.length === 1 ? lines[0] : lines.join('\n')
  return enhancedStatus === undefined ? { code, lines, text } : { code, enhancedStatus, lines, text }
}

/**
 * The enhanced status that opens a reply's text, as RFC 2034 §3 places it ("5.1.1 User
 * unknown"); its class must agree with the reply code's first digit. bounce/scan-reply.ts
 * finds a status anywhere in free text (bounce notices); here the position is fixed by the
 * protocol, so this looks only there and takes nothing from the prose.
 */
export function readEnhancedStatus(text: string, code: number): string | undefined {
  const klass = text.charCodeAt(0) - 48
  if (klass !== Math.floor(code / 100) || text.charCodeAt(1) !== 46) return undefined
  let at = 2
  const subjectStart = at
  while (at < text.length && at - subjectStart < 3 && isDigit(text.charCodeAt(at))) at++
  if (at === subjectStart || text.charCodeAt(at) !== 46) return undefined
  const detailStart = ++at
  while (at < text.length && at - detailStart < 3 && isDigit(text.charCodeAt(at))) at++
  if (at === detailStart) return undefined
  if (at < text.length && text.charCodeAt(at) !== 32) return undefined
  return text.slice(0, at)
}

function isDigit(unit: number): boolean {
  return unit >= 48 && unit <= 57
}

/** A reply as it goes on the wire: "250-first\r\n250 last\r\n". */
export function formatReply(reply: Pick<SmtpReply, 'code' | 'lines'>): string {
  let wire = ''
  const last = reply.lines.length - 1
  for (let i = 0; i <= last; i++) wire += `${reply.code}${i < last ? '-' : ' '}${reply.lines[i]}\r\n`
  return wire
}

/** What a server offers in its EHLO reply (RFC 5321 §4.1.1.1 and the extensions' RFCs). */
export interface EhloCapabilities {
  /** RFC 2920 */
  readonly pipelining: boolean
  /** RFC 3207 */
  readonly starttls: boolean
  /** RFC 1870: the declared maximum message size in bytes; absent when not declared or 0 (no limit) */
  readonly size?: number
  /** RFC 6152 */
  readonly eightBitMime: boolean
  /** RFC 6531 */
  readonly smtpUtf8: boolean
  /** RFC 3030 */
  readonly chunking: boolean
  /** RFC 2034 */
  readonly enhancedStatusCodes: boolean
  /** RFC 4954 mechanisms, upper-cased: ['PLAIN', 'LOGIN'] */
  readonly auth: readonly string[]
}

/** What a server that answered HELO (not EHLO) offers: nothing. */
export const NO_CAPABILITIES: EhloCapabilities = Object.freeze({
  pipelining: false,
  starttls: false,
  eightBitMime: false,
  smtpUtf8: false,
  chunking: false,
  enhancedStatusCodes: false,
  auth: Object.freeze([]) as readonly string[],
})

/** Capabilities from an EHLO reply; the first line (the server's name and greeting) is skipped. */
export function parseEhlo(reply: Pick<SmtpReply, 'lines'>): EhloCapabilities {
  let pipelining = false
  let starttls = false
  let size: number | undefined
  let eightBitMime = false
  let smtpUtf8 = false
  let chunking = false
  let enhancedStatusCodes = false
  let auth: string[] = []
  for (let i = 1; i < reply.lines.length; i++) {
    const line = reply.lines[i].trim()
    const space = line.search(/[ =]/) // "AUTH=LOGIN PLAIN": the pre-RFC 4954 form some servers still send
    const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase()
    const params = space < 0 ? '' : line.slice(space + 1).trim()
    switch (keyword) {
      case 'PIPELINING': pipelining = true; break
      case 'STARTTLS': starttls = true; break
      case '8BITMIME': eightBitMime = true; break
      case 'SMTPUTF8': smtpUtf8 = true; break
      case 'CHUNKING': chunking = true; break
      case 'ENHANCEDSTATUSCODES': enhancedStatusCodes = true; break
      case 'SIZE': {
        const declared = /^\d{1,15}$/.test(params) ? Number(params) : 0
        if (declared > 0) size = declared
        break
      }
      case 'AUTH':
        for (const mechanism of params.toUpperCase().split(/\s+/)) {
          if (mechanism !== '' && !auth.includes(mechanism)) auth = [...auth, mechanism]
        }
        break
    }
  }
  const base = { pipelining, starttls, eightBitMime, smtpUtf8, chunking, enhancedStatusCodes, auth }
  return size === undefined ? base : { ...base, size }
}
