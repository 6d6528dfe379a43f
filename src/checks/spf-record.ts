// SPF records as data (RFC 7208 §4.5, §4.6, §5, §6): picking the one record among a name's
// TXT records, splitting it into terms, and the terms that cost a DNS look-up. Pure.

/** The terms that cause DNS queries and count toward the limit of 10 (RFC 7208 §4.6.4). */
export const SPF_LOOKUP_TERMS: readonly string[] = ['include', 'a', 'mx', 'ptr', 'exists', 'redirect']

/** RFC 7208 §4.6.4: at most 10 DNS-querying terms per check, else permerror. */
export const MAX_SPF_LOOKUPS = 10
/** RFC 7208 §4.6.4: void look-ups (NXDOMAIN, or no answer) SHOULD be limited to 2. */
export const MAX_SPF_VOID_LOOKUPS = 2

export type SpfSelection =
  | { readonly kind: 'one'; readonly record: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'multiple'; readonly records: readonly string[] }

/** §4.5: the records starting `v=spf1` (then a space or the end); the strings of each joined without spaces. */
export function selectSpfRecord(txt: readonly (readonly string[])[]): SpfSelection {
  const records = txt.map((strings) => strings.join('')).filter((record) => /^v=spf1(?: |$)/i.test(record))
  if (records.length === 0) return { kind: 'none' }
  if (records.length > 1) return { kind: 'multiple', records }
  return { kind: 'one', record: records[0] as string }
}

export interface SpfTerm {
  /** '+', '-', '~' or '?' for mechanisms; '' for modifiers */
  readonly qualifier: string
  /** 'include', 'ip4', 'all', 'redirect', 'exp', or an unknown modifier's name */
  readonly name: string
  readonly value: string
  readonly isModifier: boolean
  /** the term as written */
  readonly text: string
}

const MECHANISMS = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'])
const TERM = /^([+\-~?]?)([a-z][a-z0-9_.-]*)(?:([:=/])(.*))?$/i

export interface ParsedSpf {
  readonly terms: readonly SpfTerm[]
  /** each term that is not valid syntax, with why */
  readonly problems: readonly string[]
}

/** Splits `v=spf1 …` into terms; syntax problems are listed, never thrown. */
export function parseSpfRecord(record: string): ParsedSpf {
  const terms: SpfTerm[] = []
  const problems: string[] = []
  const words = record.split(' ').slice(1).filter((word) => word !== '')
  for (const text of words) {
    const match = TERM.exec(text)
    if (match === null) {
      problems.push(`"${text}" is not an SPF term`)
      continue
    }
    const [, qualifier = '', rawName = '', separator, value = ''] = match
    const name = rawName.toLowerCase()
    const isModifier = separator === '='
    if (isModifier) {
      if (qualifier !== '') problems.push(`"${text}": a modifier takes no qualifier`)
      terms.push({ qualifier: '', name, value, isModifier, text })
      continue
    }
    if (!MECHANISMS.has(name)) {
      problems.push(`"${text}": unknown mechanism "${name}"`)
      continue
    }
    const problem = mechanismProblem(name, separator, value)
    if (problem !== undefined) problems.push(`"${text}": ${problem}`)
    terms.push({ qualifier: qualifier === '' ? '+' : qualifier, name, value, isModifier, text })
  }
  for (const name of ['redirect', 'exp']) {
    if (terms.filter((term) => term.isModifier && term.name === name).length > 1) problems.push(`"${name}=" appears more than once (RFC 7208 §6)`)
  }
  return { terms, problems }
}

function mechanismProblem(name: string, separator: string | undefined, value: string): string | undefined {
  switch (name) {
    case 'all':
      return separator === undefined ? undefined : '"all" takes no value'
    case 'include':
    case 'exists':
      return separator === ':' && value !== '' ? undefined : `"${name}" needs ":domain"`
    case 'ip4': {
      const [address = '', prefix] = value.split('/')
      if (separator !== ':' || !/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(address)) return 'expected ip4:a.b.c.d[/prefix]'
      return prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32) ? undefined : 'the ip4 prefix must be 0–32'
    }
    case 'ip6': {
      const [address = '', prefix] = value.split('/')
      if (separator !== ':' || !/^[0-9a-f:.]+$/i.test(address) || !address.includes(':')) return 'expected ip6:address[/prefix]'
      return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= 128) ? undefined : 'the ip6 prefix must be 0–128'
    }
    default:
      return undefined
  }
}

/** Terms of this record that cost a DNS look-up, and the domains to walk into (include targets, redirect). */
export function lookupTermsOf(parsed: ParsedSpf): { readonly count: number; readonly walkInto: readonly string[] } {
  let count = 0
  const walkInto: string[] = []
  for (const term of parsed.terms) {
    if (!SPF_LOOKUP_TERMS.includes(term.name)) continue
    if (term.isModifier && term.name !== 'redirect') continue
    count++
    if ((term.name === 'include' || term.name === 'redirect') && !term.value.includes('%')) walkInto.push(term.value.toLowerCase())
  }
  return { count, walkInto }
}
