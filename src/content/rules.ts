// The preflight's rule set, as data: data/content-rules/*.toml, read and compiled once.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'smol-toml'
import { TodokuError } from '../core/index.ts'
import type { Severity } from './finding.ts'
import { compilePhraseFinder, type PhraseFinder } from './phrase-finder.ts'

export const DEFAULT_CONTENT_RULES_DIR = fileURLToPath(new URL('../../data/content-rules/', import.meta.url))

/** One finding's texts, from checks.toml. */
export interface CheckText {
  readonly severity: Severity
  readonly message: string
  readonly messageJa: string
  readonly why: string
  readonly fix: string
  readonly source: string
}

export interface Brand {
  readonly name: string
  /** lower-case words that name the brand in a display name */
  readonly match: readonly string[]
  /** registrable domains the brand sends from */
  readonly domains: ReadonlySet<string>
  /** any of `match` in a lower-cased display name: ASCII words on word boundaries, others as substrings */
  readonly pattern: RegExp
}

export interface ContentRules {
  readonly checks: ReadonlyMap<string, CheckText>
  /** lower-case phrases */
  readonly urgent: readonly string[]
  readonly optOut: readonly string[]
  readonly advertising: readonly string[]
  readonly contact: readonly string[]
  readonly postalAddress: readonly RegExp[]
  readonly shorteners: ReadonlySet<string>
  readonly secondLevelSuffixes: ReadonlySet<string>
  readonly brands: readonly Brand[]
  readonly dangerousExtensions: ReadonlySet<string>
  readonly macroExtensions: ReadonlySet<string>
  readonly decoyExtensions: ReadonlySet<string>
  readonly archiveExtensions: ReadonlySet<string>
  /**
   * The urgent phrases a (lower-cased) text holds. Every message is read for them, so they are a
   * finder of their own: the English ones are 24 characters and more, and the skip scan moves by
   * up to 23 where the other lists' 7-character phrases hold it to 6 (6,000 characters of
   * English: a fifth of the time).
   */
  readonly findUrgent: PhraseFinder
  /** the phrases of the other lists (opt-out, advertising, contact) in one scan, for the checks of bulk and advertising mail */
  readonly findOthers: PhraseFinder
  /**
   * every list's phrases in one scan, for a window that is not ASCII (Japanese): the automaton
   * reads every character whatever the phrases' lengths, so one pass for all beats two
   */
  readonly findAll: PhraseFinder
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']

/** Reads and checks the rule files; throws CONTENT_RULES_INVALID naming the file and key. */
export function loadContentRules(dir: string = DEFAULT_CONTENT_RULES_DIR): ContentRules {
  const read = (name: string): Record<string, unknown> => {
    const path = join(dir, name)
    try {
      return parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    } catch (error) {
      throw new TodokuError('CONTENT_RULES_INVALID', `loading ${path}: ${(error as Error).message}: expected a readable TOML file`, { cause: error })
    }
  }
  const checksFile = read('checks.toml')
  const wording = read('wording.toml')
  const domains = read('domains.toml')
  const attachments = read('attachments.toml')
  const checks = new Map<string, CheckText>()
  for (const [id, raw] of Object.entries((checksFile.checks ?? {}) as Record<string, Record<string, unknown>>)) {
    const at = `checks.toml: checks."${id}"`
    const text = (key: string): string => {
      const value = raw[key]
      if (typeof value !== 'string' || value === '') throw new TodokuError('CONTENT_RULES_INVALID', `loading ${at}.${key}: expected a non-empty string, got ${JSON.stringify(value)}`)
      return value
    }
    const severity = raw.severity as Severity
    if (!SEVERITIES.includes(severity)) throw new TodokuError('CONTENT_RULES_INVALID', `loading ${at}.severity: ${JSON.stringify(raw.severity)}: expected error, warning or info`)
    checks.set(id, { severity, message: text('message'), messageJa: text('message_ja'), why: text('why'), fix: text('fix'), source: text('source') })
  }
  const list = (file: Record<string, unknown>, fileName: string, section: string, key: string): string[] => {
    const value = (file[section] as Record<string, unknown> | undefined)?.[key]
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw new TodokuError('CONTENT_RULES_INVALID', `loading ${fileName}: [${section}].${key}: expected a list of strings`)
    }
    return value as string[]
  }
  const lower = (items: string[]) => items.map((item) => item.toLowerCase())
  const brands = ((domains.brands ?? []) as Record<string, unknown>[]).map((brand, index) => {
    if (typeof brand.name !== 'string' || !Array.isArray(brand.match) || !Array.isArray(brand.domains)) {
      throw new TodokuError('CONTENT_RULES_INVALID', `loading domains.toml: brands[${index}]: expected name, match = [...], domains = [...]`)
    }
    const match = lower(brand.match as string[])
    const alternatives = match.map((word) => {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      return /^[a-z0-9 ]+$/.test(word) ? `(?:^|[^a-z0-9])${escaped}(?:$|[^a-z0-9])` : escaped
    })
    return { name: brand.name, match, domains: new Set(lower(brand.domains as string[])), pattern: new RegExp(alternatives.join('|'), 'u') }
  })
  const postalAddress = list(wording, 'wording.toml', 'postal_address', 'patterns').map((pattern, index) => {
    try {
      return new RegExp(pattern, 'u')
    } catch (error) {
      throw new TodokuError('CONTENT_RULES_INVALID', `loading wording.toml: [postal_address].patterns[${index}] ${JSON.stringify(pattern)}: ${(error as Error).message}`)
    }
  })
  const urgent = lower(list(wording, 'wording.toml', 'urgent', 'phrases'))
  const optOut = lower(list(wording, 'wording.toml', 'opt_out', 'phrases'))
  const advertising = lower(list(wording, 'wording.toml', 'advertising', 'phrases'))
  const contact = lower(list(wording, 'wording.toml', 'contact', 'phrases'))
  return {
    checks,
    urgent,
    optOut,
    advertising,
    contact,
    findUrgent: compilePhraseFinder(urgent),
    findOthers: compilePhraseFinder([...optOut, ...advertising, ...contact]),
    findAll: compilePhraseFinder([...urgent, ...optOut, ...advertising, ...contact]),
    postalAddress,
    shorteners: new Set(lower(list(domains, 'domains.toml', 'shorteners', 'hosts'))),
    secondLevelSuffixes: new Set(lower(list(domains, 'domains.toml', 'second_level', 'suffixes'))),
    brands,
    dangerousExtensions: new Set(lower(list(attachments, 'attachments.toml', 'dangerous', 'extensions'))),
    macroExtensions: new Set(lower(list(attachments, 'attachments.toml', 'macro', 'extensions'))),
    decoyExtensions: new Set(lower(list(attachments, 'attachments.toml', 'decoy', 'extensions'))),
    archiveExtensions: new Set(lower(list(attachments, 'attachments.toml', 'archive', 'extensions'))),
  }
}

let shared: ContentRules | undefined

/** todoku's own rules (data/content-rules), loaded on first use. */
export function defaultContentRules(): ContentRules {
  shared ??= loadContentRules()
  return shared
}

/** The registrable domain of a host name: the last two labels, three under a listed two-label suffix (co.jp). */
export function registrableDomain(host: string, rules: ContentRules): string {
  const name = host.endsWith('.') ? host.slice(0, -1).toLowerCase() : host.toLowerCase()
  const last = name.lastIndexOf('.')
  const second = last <= 0 ? -1 : name.lastIndexOf('.', last - 1)
  if (second === -1) return name
  const lastTwo = name.slice(second + 1)
  if (!rules.secondLevelSuffixes.has(lastTwo)) return lastTwo
  return name.slice(name.lastIndexOf('.', second - 1) + 1)
}
