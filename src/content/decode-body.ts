// Transfer decoding (base64, quoted-printable) and charset decoding for the preflight. Strict
// where the bounce reader is lenient: a body that does not decode under its declared charset
// is a finding here, so decoders run with `fatal: true`.

/** Labels mailers write that WHATWG's TextDecoder does not know by that name. */
const CHARSET_ALIASES: Readonly<Record<string, string>> = {
  cp932: 'shift_jis', ms932: 'shift_jis', 'windows-932': 'shift_jis', 'x-ms-cp932': 'shift_jis',
  'iso-2022-jp-1': 'iso-2022-jp', 'iso-2022-jp-2': 'iso-2022-jp', 'iso-2022-jp-ms': 'iso-2022-jp', 'cp50220': 'iso-2022-jp', 'cp50221': 'iso-2022-jp',
  ascii: 'us-ascii', 'ansi_x3.4-1968': 'us-ascii', '646': 'us-ascii',
  'unicode-1-1-utf-7': 'utf-7', csunicode11utf7: 'utf-7', 'x-unicode-2-0-utf-7': 'utf-7',
}

/** Node's global TextDecoder; without the DOM lib its name is a value only, not a type. */
type Decoder = InstanceType<typeof TextDecoder>

const decoders = new Map<string, Decoder | null>()
/** Threat: a stream of messages each naming a new made-up charset growing the cache without end. */
const MAX_CACHED_DECODERS = 128

/** A fatal decoder for a charset label, or undefined when the label names no charset we know. US-ASCII is checked apart (WHATWG maps it to windows-1252). */
export function charsetDecoder(label: string): Decoder | undefined {
  const name = normalizeCharset(label)
  let decoder = decoders.get(name)
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(name, { fatal: true })
    } catch {
      decoder = null
    }
    if (decoders.size < MAX_CACHED_DECODERS) decoders.set(name, decoder)
  }
  return decoder ?? undefined
}

/** Labels as written, normalized: each message names its charsets again, each encoded-word its own. */
const normalizedLabels = new Map<string, string>()

export function normalizeCharset(label: string): string {
  let name = normalizedLabels.get(label)
  if (name === undefined) {
    const lower = label.trim().replace(/^"|"$/g, '').toLowerCase()
    name = CHARSET_ALIASES[lower] ?? lower
    if (normalizedLabels.size < MAX_CACHED_DECODERS) normalizedLabels.set(label, name)
  }
  return name
}

export function isKnownCharset(label: string): boolean {
  const name = normalizeCharset(label)
  return name === 'us-ascii' || name === 'utf-7' || charsetDecoder(label) !== undefined
}

/** Text of bytes in a charset; undefined when the charset is unknown or the bytes are not valid in it. */
export function decodeBytes(bytes: Uint8Array, label: string): string | undefined {
  const name = normalizeCharset(label)
  if (name === 'us-ascii' || name === 'utf-7') {
    for (const byte of bytes) if (byte > 0x7f) return undefined
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    return name === 'utf-7' ? decodeUtf7(text) : text
  }
  const decoder = charsetDecoder(label)
  if (decoder === undefined) return undefined
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * UTF-7 (RFC 2152), which WHATWG dropped but Outlook still writes ("unicode-1-1-utf-7"):
 * '+' opens modified base64 of UTF-16BE up to '-' or any non-base64 character; '+-' is '+'.
 */
function decodeUtf7(text: string): string {
  return text.replace(/\+([A-Za-z0-9+/]*)-?/g, (_all, encoded: string) => {
    if (encoded === '') return '+'
    const bytes = Buffer.from(encoded, 'base64')
    return bytes.subarray(0, bytes.length - (bytes.length % 2)).swap16().toString('utf16le')
  })
}

export interface TransferDecoded {
  readonly bytes: Buffer
  /** what was wrong with the encoding, when something was */
  readonly problem?: string
}

/** A body of the base64 alphabet only (RFC 2045 §6.8), white space allowed, padding at the end. */
const BASE64_BODY = /^[A-Za-z0-9+/\s]*={0,2}\s*$/
/** What BASE64_BODY allows from its first '=' on. */
const PADDING_TAIL = /^={0,2}\s*$/

/**
 * BASE64_BODY.test(text), most often answered by atob: WHATWG's forgiving base64 (native, ~0.6 µs
 * for 7 KB where the regex takes ~3.4) takes the alphabet, ASCII white space and '=' only at the
 * end, so a text it takes is one whose characters before the first '=' the regex takes; what
 * follows that '=' is then the regex's to judge. A text atob refuses (a stray character, a
 * length the regex does not count, a vertical tab or a no-break space) goes to the regex.
 */
export function isBase64Body(text: string): boolean {
  try {
    atob(text)
  } catch {
    return BASE64_BODY.test(text)
  }
  const firstPad = text.indexOf('=')
  return firstPad === -1 || PADDING_TAIL.test(text.slice(firstPad))
}

/** A part's body (latin1 characters) decoded per its Content-Transfer-Encoding. */
export function decodeTransfer(binary: string, encoding: string): TransferDecoded {
  if (encoding === 'base64') {
    const problem = isBase64Body(binary) ? undefined : 'characters outside the base64 alphabet'
    return { bytes: Buffer.from(binary, 'base64'), ...(problem === undefined ? {} : { problem }) }
  }
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(binary)
  return { bytes: Buffer.from(binary, 'latin1') }
}

/** A body's bytes alone, for reading (an attachment's): a megabyte of base64 is not run through the alphabet check, which its MIME check does on the first 64 KiB. */
export function transferBytes(binary: string, encoding: string): Buffer {
  return encoding === 'base64' ? Buffer.from(binary, 'base64') : decodeTransfer(binary, encoding).bytes
}

function decodeQuotedPrintable(binary: string): TransferDecoded {
  const out = Buffer.allocUnsafe(binary.length)
  let length = 0
  let problem: string | undefined
  for (let index = 0; index < binary.length; index++) {
    const code = binary.charCodeAt(index)
    if (code !== 61) {
      out[length++] = code & 0xff
      continue
    }
    const next = binary.charCodeAt(index + 1)
    if (next === 10) {
      index += 1
      continue
    }
    const hex = binary.slice(index + 1, index + 3)
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out[length++] = parseInt(hex, 16)
      index += 2
      continue
    }
    // soft line break followed by transport padding ("=  \n")
    const rest = /^[ \t]*\n/.exec(binary.slice(index + 1, index + 80))
    if (rest !== null) {
      index += rest[0].length
      continue
    }
    problem ??= `"=" not followed by two hex digits at character ${index}`
    out[length++] = code
  }
  return { bytes: out.subarray(0, length), ...(problem === undefined ? {} : { problem }) }
}

/** RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?=" */
export const ENCODED_WORD = /=\?([^?\s]*)\?([^?\s]*)\?([^?\s]*)\?=/g
/** RFC 2047 §2: an encoded-word may not be more than 75 characters long. */
export const MAX_ENCODED_WORD_LENGTH = 75

export interface EncodedWordProblem {
  readonly word: string
  readonly problem: string
}

/** What is wrong with the encoded-words of a header value (empty: nothing). */
export function checkEncodedWords(value: string): EncodedWordProblem[] {
  if (!value.includes('=?')) return []
  const problems: EncodedWordProblem[] = []
  // exec rather than matchAll, which copies the regex for every value (a third of the time for a two-word Subject)
  ENCODED_WORD.lastIndex = 0
  for (let match = ENCODED_WORD.exec(value); match !== null; match = ENCODED_WORD.exec(value)) {
    const [word, charsetLabel, encoding, encodedText] = match
    const charset = wordCharset(charsetLabel)
    const shown = word.length > 60 ? `${word.slice(0, 57)}...` : word
    if (word.length > MAX_ENCODED_WORD_LENGTH) problems.push({ word: shown, problem: `${word.length} characters long: expected at most ${MAX_ENCODED_WORD_LENGTH} (RFC 2047 §2)` })
    if (encoding.length !== 1 || !'BbQq'.includes(encoding)) {
      problems.push({ word: shown, problem: `encoding "${encoding}": expected B or Q` })
      continue
    }
    if (!isKnownCharset(charset)) {
      problems.push({ word: shown, problem: `unknown charset "${charset}"` })
      continue
    }
    let bytes: Buffer
    if (encoding.toLowerCase() === 'b') {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encodedText) || encodedText.length % 4 !== 0) {
        problems.push({ word: shown, problem: 'encoded text is not valid base64 (RFC 2047 §4.1)' })
        continue
      }
      bytes = Buffer.from(encodedText, 'base64')
    } else {
      if (/[^!-<>@-~]/.test(encodedText.replace(/=[0-9A-Fa-f]{2}/g, ''))) {
        problems.push({ word: shown, problem: 'encoded text has characters Q encoding does not allow (RFC 2047 §4.2)' })
        continue
      }
      bytes = qBytes(encodedText)
    }
    if (decodeBytes(bytes, charset) === undefined) problems.push({ word: shown, problem: `the decoded bytes are not valid ${charset}` })
  }
  return problems
}

/** White space between two encoded-words, which RFC 2047 §6.2 drops. */
const BETWEEN_ENCODED_WORDS = /(=\?[^?\s]*\?[^?\s]*\?[^?\s]*\?=)\s+(?==\?)/g

/** A header value with its encoded-words decoded, leniently (for reading, not for judging). */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value
  const joined = value.replace(BETWEEN_ENCODED_WORDS, '$1')
  // an exec loop, as checkEncodedWords: a replace with a function cost twice as much
  let out = ''
  let written = 0
  ENCODED_WORD.lastIndex = 0
  for (let match = ENCODED_WORD.exec(joined); match !== null; match = ENCODED_WORD.exec(joined)) {
    out += joined.slice(written, match.index) + decodeWord(match[0], match[1], match[2], match[3])
    written = ENCODED_WORD.lastIndex
  }
  return written === 0 ? joined : out + joined.slice(written)
}

/** One encoded-word's text; the word as it is when its encoding is neither B nor Q. */
function decodeWord(word: string, charsetLabel: string, encoding: string, encodedText: string): string {
  let bytes: Buffer
  if (encoding === 'B' || encoding === 'b') bytes = Buffer.from(encodedText, 'base64')
  else if (encoding === 'Q' || encoding === 'q') bytes = qBytes(encodedText)
  else return word
  return decodeBytes(bytes, wordCharset(charsetLabel)) ?? bytes.toString('utf8')
}

/** An encoded-word's charset without the language RFC 2231 §5 lets follow a '*' ("utf-8*ja"). */
function wordCharset(label: string): string {
  const star = label.indexOf('*')
  return star === -1 ? label : label.slice(0, star)
}

/** Q-encoded text's bytes (RFC 2047 §4.2): '_' a space, "=XX" the byte XX. */
function qBytes(encodedText: string): Buffer {
  return Buffer.from(encodedText.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
}
