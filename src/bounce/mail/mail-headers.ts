import { decodeHeaderValue } from './decode.ts'
import { MAX_HEADER_FIELDS } from './limits.ts'

/** A header section: fields in order, names lower-cased, values unfolded and decoded. */
export interface MailHeaders {
  readonly fields: readonly (readonly [name: string, value: string])[]
  /** The field names in order, lower-cased (no value decoded to list them). */
  readonly names: readonly string[]
  /** The first field of that name (case-insensitive), or undefined. */
  get(name: string): string | undefined
  /** Every field of that name, in order. */
  getAll(name: string): string[]
}

/**
 * Parses a header block (a binary string, LF line ends, without the blank line that ends it).
 * Values are decoded (RFC 2047, raw 8-bit) when first asked for: a returned message carries
 * dozens of Received and DKIM fields no source reads.
 */
export function parseHeaderBlock(block: string): MailHeaders {
  const names: string[] = []
  const raws: string[] = []
  let name = ''
  let value = ''
  // Walks the lines by index: no array of lines, no regexp per line (this runs for every
  // header section of every mail, the returned message's included).
  for (let from = 0; from <= block.length;) {
    let end = block.indexOf('\n', from)
    if (end === -1) end = block.length
    const first = block.charCodeAt(from)
    if ((first === 32 || first === 9) && name) {
      // RFC 5322 §2.2.3: unfolding removes the CRLF, keeps the whitespace.
      value += ' ' + block.slice(from, end).trim()
      from = end + 1
      continue
    }
    const colon = fieldNameEnd(block, from, end)
    if (colon === -1 && name && block.slice(from, end).trim() !== '') {
      // A continuation its writer forgot to indent ("Content-Type: multipart/alternative;"
      // then "boundary=..." at column 0, as some Apache James versions write): keep it.
      value += ' ' + block.slice(from, end).trim()
      from = end + 1
      continue
    }
    if (name && names.length < MAX_HEADER_FIELDS) {
      names.push(name)
      raws.push(value.trim())
    }
    name = ''
    if (colon !== -1) {
      name = block.slice(from, colon).trimEnd().toLowerCase()
      value = block.slice(colon + 1, end)
    }
    from = end + 1
  }
  if (name && names.length < MAX_HEADER_FIELDS) {
    names.push(name)
    raws.push(value.trim())
  }
  return new LazyHeaders(names, raws, decodeHeaderValue)
}

/**
 * Where the colon after a field name is on the line [from, end), or -1 when the line opens with
 * no field name: RFC 5322 §3.6.8, printable ASCII but ":" (then, obsolete syntax, blanks).
 */
function fieldNameEnd(block: string, from: number, end: number): number {
  let at = from
  while (at < end) {
    const code = block.charCodeAt(at)
    if (code < 33 || code > 126 || code === 58) break
    at += 1
  }
  if (at === from) return -1
  while (at < end && (block.charCodeAt(at) === 32 || block.charCodeAt(at) === 9)) at += 1
  return at < end && block.charCodeAt(at) === 58 ? at : -1
}

/** Lookups answered by scanning the fields in order; from the next one on, an index by name answers. */
const SCANNED_LOOKUPS = 4

const keepValue = (value: string): string => value

/** Headers over fields whose values are already decoded. */
export function headersOf(fields: readonly (readonly [string, string])[]): MailHeaders {
  return new LazyHeaders(fields.map(([name]) => name), fields.map(([, value]) => value), keepValue)
}

/**
 * Headers over names (lower-cased) and raw values, each value decoded once, on first use. A
 * class, not an object literal with a getter and closures: every header section of every mail
 * makes one, and V8 builds such literals through the runtime, at several times the cost.
 */
class LazyHeaders implements MailHeaders {
  readonly #names: readonly string[]
  readonly #raws: readonly string[]
  readonly #decode: (raw: string) => string
  readonly #decoded: (string | undefined)[] = []
  #fields: (readonly [string, string])[] | undefined = undefined
  #lookups = 0
  #firstByName: Map<string, number> | undefined = undefined

  constructor(names: readonly string[], raws: readonly string[], decode: (raw: string) => string) {
    this.#names = names
    this.#raws = raws
    this.#decode = decode
  }

  get names(): readonly string[] {
    return this.#names
  }

  get fields(): readonly (readonly [string, string])[] {
    if (!this.#fields) {
      const fields: (readonly [string, string])[] = []
      for (let i = 0; i < this.#names.length; i++) fields.push([this.#names[i], this.#valueAt(i)])
      this.#fields = fields
    }
    return this.#fields
  }

  get(wanted: string): string | undefined {
    const key = wanted.toLowerCase()
    const index = this.#indexed()
    const i = index ? index.get(key) ?? -1 : this.#names.indexOf(key)
    return i === -1 ? undefined : this.#valueAt(i)
  }

  // Rarely asked (Received, To), and then mostly of few fields: a scan.
  getAll(wanted: string): string[] {
    const key = wanted.toLowerCase()
    const values: string[] = []
    for (let i = 0; i < this.#names.length; i++) if (this.#names[i] === key) values.push(this.#valueAt(i))
    return values
  }

  #valueAt(i: number): string {
    return (this.#decoded[i] ??= this.#decode(this.#raws[i]))
  }

  // The mail reader asks a header section for two or three fields; the sources ask the top
  // headers for a few dozen. Scan for the first few, then index each name's first field.
  #indexed(): Map<string, number> | undefined {
    if (this.#firstByName || ++this.#lookups <= SCANNED_LOOKUPS) return this.#firstByName
    const firstByName = new Map<string, number>()
    for (let i = this.#names.length - 1; i >= 0; i--) firstByName.set(this.#names[i], i)
    this.#firstByName = firstByName
    return firstByName
  }
}

/** A structured field such as Content-Type: its value and its parameters (RFC 2045 §5.1, RFC 2231 continuations). */
export interface HeaderParams {
  readonly value: string
  readonly params: Readonly<Record<string, string>>
}

const PARAM = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"?|([^;]*))/g

export function parseHeaderParams(field: string | undefined): HeaderParams {
  if (!field) return { value: '', params: {} }
  const semicolon = field.indexOf(';')
  const value = (semicolon === -1 ? field : field.slice(0, semicolon)).trim().toLowerCase()
  const params: Record<string, string> = {}
  if (semicolon !== -1) {
    for (const match of field.slice(semicolon).matchAll(PARAM)) {
      const key = match[1].toLowerCase()
      const quoted = match[2]
      const text = quoted === undefined ? match[3].trim() : quoted.includes('\\') ? quoted.replace(/\\(.)/g, '$1') : quoted
      // name*0=…; name*1=… are continuations of one value (RFC 2231 §3).
      const base = key.includes('*') ? key.replace(/\*\d*\*?$/, '') : key
      params[base] = base in params && base !== key ? params[base] + text : text
    }
  }
  return { value, params }
}
