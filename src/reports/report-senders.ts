// Known sending services (data/report-senders.toml): a source IP's PTR name → the service.
import { readFileSync } from 'node:fs'
import { parse } from 'smol-toml'
import { TodokuError } from '../core/index.ts'

export interface ReportSender {
  readonly name: string
  readonly ptrSuffixes: readonly string[]
  readonly spfInclude?: string
  /** the documentation the entry rests on */
  readonly source: string
}

export const DEFAULT_REPORT_SENDERS_FILE = new URL('../../data/report-senders.toml', import.meta.url)

/** The senders of a TOML text (`[[sender]]` tables); throws CONFIG_INVALID naming the bad entry. */
export function parseReportSenders(text: string, file = 'data/report-senders.toml'): ReportSender[] {
  const fail = (what: string): never => {
    throw new TodokuError('CONFIG_INVALID', `loading ${file}: ${what}`)
  }
  let root: Record<string, unknown>
  try {
    root = parse(text) as Record<string, unknown>
  } catch (error) {
    return fail(`not valid TOML: ${(error as Error).message}`)
  }
  const entries = root.sender
  if (!Array.isArray(entries)) return fail('expected [[sender]] tables')
  return entries.map((entry: Record<string, unknown>, i) => {
    const at = `sender[${i}]`
    if (typeof entry.name !== 'string' || entry.name === '') fail(`${at}.name: expected the service's name`)
    if (!Array.isArray(entry.ptr_suffixes) || entry.ptr_suffixes.length === 0 || !entry.ptr_suffixes.every((s) => typeof s === 'string' && /^[a-z0-9.-]+$/i.test(s))) {
      fail(`${at}.ptr_suffixes: expected a list of domain names`)
    }
    if (typeof entry.source !== 'string' || !entry.source.startsWith('https://')) fail(`${at}.source: expected the https:// address of the provider's documentation`)
    if (entry.spf_include !== undefined && typeof entry.spf_include !== 'string') fail(`${at}.spf_include: expected a domain name`)
    return {
      name: entry.name as string,
      ptrSuffixes: (entry.ptr_suffixes as string[]).map((s) => s.toLowerCase()),
      ...(entry.spf_include !== undefined && { spfInclude: entry.spf_include as string }),
      source: entry.source as string,
    }
  })
}

/** The senders of a file (default data/report-senders.toml). */
export function loadReportSenders(file: URL | string = DEFAULT_REPORT_SENDERS_FILE): ReportSender[] {
  return parseReportSenders(readFileSync(file, 'utf8'), String(file))
}

/** The sender whose PTR suffix ends the name (at a label boundary), if any. */
export function senderOfPtr(ptr: string, senders: readonly ReportSender[]): ReportSender | undefined {
  const name = ptr.toLowerCase().replace(/\.$/, '')
  return senders.find((sender) => sender.ptrSuffixes.some((suffix) => name === suffix || name.endsWith(`.${suffix}`)))
}
