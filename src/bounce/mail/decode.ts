// Byte and charset decoding for mail: transfer encodings (RFC 2045), encoded-words (RFC 2047),
// and charsets through the WHATWG TextDecoder (Node's full ICU knows ISO-2022-JP, Shift_JIS,
// EUC-JP, GB18030, Big5, KOI8-R, windows-125x and the rest).
//
// Internally the parser carries raw octets as "binary" strings (one char per byte, from
// latin1 decoding): slicing and searching them is cheap and never corrupts a multibyte
// sequence before its charset is known.

import { MAX_CACHED_CHARSETS } from './limits.ts'

/** Node's global TextDecoder; without the DOM lib its name is a value only, not a type. */
type Decoder = InstanceType<typeof TextDecoder>

const decoders = new Map<string, Decoder | null>()

/** Charset names seen in real mail that the WHATWG registry spells otherwise. */
const CHARSET_ALIASES: Readonly<Record<string, string>> = {
  'iso-2022-jp-2': 'iso-2022-jp',
  'iso-2022-jp-3': 'iso-2022-jp',
  'x-sjis': 'shift_jis',
  'sjis': 'shift_jis',
  'cp932': 'shift_jis',
  'ms932': 'shift_jis',
  'windows-31j': 'shift_jis',
  'x-euc-jp': 'euc-jp',
  'utf8': 'utf-8',
  'us-ascii': 'utf-8',
  'ascii': 'utf-8',
  'ansi_x3.4-1968': 'utf-8',
  'ks_c_5601-1987': 'euc-kr',
  'x-unknown': 'utf-8',
  'unknown-8bit': 'utf-8',
  'x-user-defined': 'windows-1252',
}

function decoderFor(charset: string): Decoder | null {
  const label = charset.trim().toLowerCase().replace(/^["']|["']$/g, '')
  let decoder = decoders.get(label)
  if (decoder !== undefined) return decoder
  try {
    decoder = new TextDecoder(CHARSET_ALIASES[label] ?? label)
  } catch {
    decoder = null
  }
  if (decoders.size < MAX_CACHED_CHARSETS) decoders.set(label, decoder)
  return decoder
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const strictEucJp = new TextDecoder('euc-jp', { fatal: true })
const shiftJis = new TextDecoder('shift_jis')
const iso2022jp = new TextDecoder('iso-2022-jp')

/** Charsets that are 7-bit by definition: 8-bit bytes under them mean the label is wrong. */
const SEVEN_BIT_CHARSETS = new Set(['us-ascii', 'ascii', 'iso-2022-jp', 'iso-2022-jp-2', 'iso-2022-jp-3', 'utf-7'])

const NON_ASCII = /[\x80-\xff]/
/** ESC $ B / ESC $ @ / ESC ( J: the designations ISO-2022-JP opens with (RFC 1468). */
const ISO_2022_JP_ESCAPE = /\x1b\$[B@]|\x1b\(J/

/** Octets (a binary string) → text, by the declared charset, or by a guess when none is declared or known. */
export function decodeCharset(binary: string, charset: string | undefined): string {
  const isAscii = !NON_ASCII.test(binary)
  if (isAscii && !binary.includes('\x1b')) return binary
  const label = charset?.trim().toLowerCase()
  const declared = label && !(label && SEVEN_BIT_CHARSETS.has(label) && !isAscii) ? decoderFor(label) : null
  const bytes = Buffer.from(binary, 'latin1')
  if (declared) return declared.decode(bytes)
  if (isAscii) return ISO_2022_JP_ESCAPE.test(binary) ? iso2022jp.decode(bytes) : binary
  return guess8bit(bytes)
}

/**
 * Undeclared (or mislabelled: "iso-2022-jp" over 8-bit bytes, as some Japanese carriers
 * send) 8-bit text: UTF-8 when valid, else EUC-JP when valid (its lead bytes exclude
 * Shift_JIS's 0x81-0x9F), else Shift_JIS, which maps every byte.
 */
function guess8bit(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    try {
      return strictEucJp.decode(bytes)
    } catch {
      return shiftJis.decode(bytes)
    }
  }
}

/** Base64 body (a binary string) → octets (a binary string). Ignores junk, as Node's decoder does. */
export function decodeBase64(binary: string): string {
  return Buffer.from(binary, 'base64').toString('latin1')
}

/** The value of a hex digit's code unit, or -1. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 65 && code <= 70) return code - 55
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

/**
 * Quoted-printable body (RFC 2045 §6.7) → octets. Soft line breaks join; a broken escape stays as it is.
 * Runs between escapes are copied as slices; an escape is read by its code units (no substring,
 * no regexp per "=": HTML notices are full of "=3D").
 */
export function decodeQuotedPrintable(binary: string): string {
  if (!binary.includes('=')) return binary
  let out = ''
  // `from`: start of the run still to copy; a broken escape stays in that run rather than being
  // appended alone (a megabyte of "=" made a million one-character pieces of string)
  let from = 0
  for (let at = binary.indexOf('='); at !== -1; at = binary.indexOf('=', at + 1)) {
    const next = binary.charCodeAt(at + 1)
    let resume: number
    let decoded = ''
    if (next === 10) resume = at + 2
    else if (next === 13 && binary.charCodeAt(at + 2) === 10) resume = at + 3
    else {
      const high = hexDigit(next)
      const low = high === -1 ? -1 : hexDigit(binary.charCodeAt(at + 2))
      if (low !== -1) {
        decoded = String.fromCharCode(high * 16 + low)
        resume = at + 3
      } else {
        // "=" followed by trailing blanks before the line end is a soft break too. Look only as
        // far as the blanks go: scanning to the line end from every "=" was quadratic.
        let end = at + 1
        while (binary.charCodeAt(end) === 32 || binary.charCodeAt(end) === 9) end += 1
        if (binary.charCodeAt(end) === 10) resume = end + 1
        else if (binary.charCodeAt(end) === 13 && binary.charCodeAt(end + 1) === 10) resume = end + 2
        else continue
      }
    }
    out += binary.slice(from, at) + decoded
    from = resume
    at = resume - 1
  }
  return out + binary.slice(from)
}

/** Transfer-decodes a part body by its Content-Transfer-Encoding. */
export function decodeTransfer(binary: string, encoding: string | undefined): string {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(binary)
    case 'quoted-printable':
      return decodeQuotedPrintable(binary)
    default:
      return binary
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g
/** ESC ( B or ESC ( J directly followed by another escape sequence. */
const EMPTY_ESCAPE_RUN = /\x1b\([BJ](?=\x1b)/g
/** 8-bit octets, ESC (ISO-2022-JP) or the start of an encoded-word. */
const NEEDS_HEADER_DECODING = /[\x80-\xff\x1b]|=\?/
const BETWEEN_ENCODED_WORDS = /(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g

/** Header value (binary string) → text: RFC 2047 encoded-words decoded, raw 8-bit read as UTF-8 or Shift_JIS. */
export function decodeHeaderValue(binary: string): string {
  // Most values are plain ASCII: one scan tells so.
  if (!NEEDS_HEADER_DECODING.test(binary)) return binary
  const raw = NON_ASCII.test(binary) || binary.includes('\x1b') ? decodeCharset(binary, undefined) : binary
  if (!raw.includes('=?')) return raw
  const joined = raw.replace(BETWEEN_ENCODED_WORDS, '$1')
  // Adjacent words of one charset are decoded together: mailers that cut words by bytes
  // split a character across two of them (RFC 2047 §5 (3) forbids it; it happens anyway).
  let out = ''
  let from = 0
  let runCharset = ''
  let runOctets = ''
  const flush = () => {
    // Each ISO-2022-JP word returns to ASCII at its end; WHATWG's decoder turns a switch back
    // that is followed at once by another escape into U+FFFD, so drop it where words join.
    if (runCharset) out += decodeCharset(runCharset.startsWith('iso-2022') ? runOctets.replace(EMPTY_ESCAPE_RUN, '') : runOctets, runCharset)
    runCharset = ''
    runOctets = ''
  }
  for (const match of joined.matchAll(ENCODED_WORD)) {
    const [word, charset, kind, data] = match
    // RFC 2231 §5 language suffix: =?ISO-2022-JP*ja?B?...?=
    const name = charset.split('*')[0].toLowerCase()
    if (match.index !== from || name !== runCharset) flush()
    out += joined.slice(from, match.index)
    from = match.index + word.length
    if (!decoderFor(name)) {
      out += word
      continue
    }
    runCharset = name
    runOctets += kind === 'B' || kind === 'b' ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, ' '))
  }
  flush()
  return out + joined.slice(from)
}
