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

const FIELD_NAME = /^([!-9;-~]+)[ \t]*:/

/** Parses a header block (a binary string, LF line ends, without the blank line that ends it). */
export function parseHeaderBlock(block: string): MailHeaders {
  const fields: [string, string][] = []
  let name = ''
  let value = ''
  const flush = () => {
    if (name && fields.length < MAX_HEADER_FIELDS) fields.push([name, decodeHeaderValue(value.trim())])
    name = ''
  }
  for (const line of block.split('\n')) {
    if ((line[0] === ' ' || line[0] === '\t') && name) {
      // RFC 5322 §2.2.3: unfolding removes the CRLF, keeps the whitespace.
      value += ' ' + line.trim()
      continue
    }
    const match = FIELD_NAME.exec(line)
    if (!match && name && line.trim() !== '') {
      // A continuation its writer forgot to indent ("Content-Type: multipart/alternative;"
      // then "boundary=..." at column 0, as some Apache James versions write): keep it.
      value += ' ' + line.trim()
      continue
    }
    flush()
    if (match) {
      name = match[1].toLowerCase()
      value = line.slice(match[0].length)
    }
  }
  flush()
  return headersOf(fields)
}

/** Fields up to which a lookup scans them in order; past it, an index by name is built on first use. */
const SCAN_FIELDS = 8

export function headersOf(fields: readonly (readonly [string, string])[]): MailHeaders {
  // Every source asks the top headers for the fields it knows, ~100 lookups a mail: index them
  // once rather than scan 30 fields per lookup.
  let byName: Map<string, string[]> | undefined
  const indexed = (): Map<string, string[]> => {
    if (byName) return byName
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
      if (fields.length > SCAN_FIELDS) return indexed().get(key)?.[0]
      for (const [name, value] of fields) if (name === key) return value
      return undefined
    },
    getAll(wanted) {
      const key = wanted.toLowerCase()
      if (fields.length > SCAN_FIELDS) return [...(indexed().get(key) ?? [])]
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
      const text = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3].trim()
      // name*0=…; name*1=… are continuations of one value (RFC 2231 §3).
      const base = key.replace(/\*\d*\*?$/, '')
      params[base] = base in params && base !== key ? params[base] + text : text
    }
  }
  return { value, params }
}
