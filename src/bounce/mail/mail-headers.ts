import { decodeHeaderValue } from './decode.ts'
import { MAX_HEADER_FIELDS } from './limits.ts'

/** A header section: fields in order, names lower-cased, values unfolded and decoded. */
export interface MailHeaders {
  readonly fields: readonly (readonly [name: string, value: string])[]
  /** The first field of that name (case-insensitive), or undefined. */
  get(name: string): string | undefined
  /** Every field of that name, in order. */
  getAll(name: string): string[]
}

/** Parses a header block (a binary string, LF line ends, without the blank line that ends it). */
export function parseHeaderBlock(block: string): MailHeaders {
  const fields: [string, string][] = []
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
    if (name && fields.length < MAX_HEADER_FIELDS) fields.push([name, decodeHeaderValue(value.trim())])
    name = ''
    if (colon !== -1) {
      name = block.slice(from, colon).trimEnd().toLowerCase()
      value = block.slice(colon + 1, end)
    }
    from = end + 1
  }
  if (name && fields.length < MAX_HEADER_FIELDS) fields.push([name, decodeHeaderValue(value.trim())])
  return headersOf(fields)
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

export function headersOf(fields: readonly (readonly [string, string])[]): MailHeaders {
  // The mail reader asks a header section for two or three fields; every source asks the top
  // headers for the fields it knows, ~100 lookups a mail. Scan for the first few, then index.
  let lookups = 0
  let byName: Map<string, string[]> | undefined
  const indexed = (): Map<string, string[]> | undefined => {
    if (byName || ++lookups <= SCANNED_LOOKUPS) return byName
    byName = new Map()
    for (const [name, value] of fields) {
      const values = byName.get(name)
      if (values) values.push(value)
      else byName.set(name, [value])
    }
    return byName
  }
  return {
    fields,
    get(wanted) {
      const key = wanted.toLowerCase()
      const index = indexed()
      if (index) return index.get(key)?.[0]
      for (const [name, value] of fields) if (name === key) return value
      return undefined
    },
    getAll(wanted) {
      const key = wanted.toLowerCase()
      const index = indexed()
      if (index) return [...(index.get(key) ?? [])]
      return fields.filter(([name]) => name === key).map(([, value]) => value)
    },
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
