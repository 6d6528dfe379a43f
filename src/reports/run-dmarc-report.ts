// The edge of `todoku dmarc report` and GET /v1/dmarc/report: read the rows from the store,
// learn about each source IP (PTR, ours or not, authorized by the domain's SPF or not, a known
// provider), then hand everything to the pure analysis.
import { checkSpfHost } from '../checks/index.ts'
import type { Clock } from '../core/index.ts'
import type { Resolver } from '../dns/index.ts'
import type { ReportQuery, ReportStore } from '../store/index.ts'
import { analyzeDmarc, type DmarcAnalysis, type SourceFacts } from './analyze-dmarc.ts'
import { senderOfPtr, type ReportSender } from './report-senders.ts'

/** Source IPs looked up (PTR + SPF) per analysis. Stops a forged report naming 100,000 addresses from turning into 200,000 DNS queries; the rest are analyzed without PTR or SPF facts. */
export const MAX_SOURCES_LOOKED_UP = 2000
/** Look-ups in flight at once. */
const LOOKUP_CONCURRENCY = 16
/** How long a PTR answer is reused. */
const PTR_CACHE_TTL_MS = 60 * 60 * 1000
/** PTR answers kept. Stops the cache of a long-running server from growing with every address ever reported. */
const MAX_PTR_CACHE_ENTRIES = 50_000

export interface PtrCache {
  ptrOf(ip: string): Promise<string | undefined>
}

/** PTR names by IP, cached for an hour (failures too: an address without PTR stays without for a while). */
export function createPtrCache(deps: { dns: Resolver; clock: Clock }): PtrCache {
  const entries = new Map<string, { ptr: string | undefined; atMs: number }>()
  return {
    async ptrOf(ip) {
      const nowMs = deps.clock.now()
      const cached = entries.get(ip)
      if (cached !== undefined && nowMs - cached.atMs < PTR_CACHE_TTL_MS) return cached.ptr
      let ptr: string | undefined
      try {
        ptr = (await deps.dns.ptr(ip))[0]?.replace(/\.$/, '').toLowerCase()
      } catch {
        ptr = undefined
      }
      if (entries.size >= MAX_PTR_CACHE_ENTRIES) entries.delete(entries.keys().next().value as string)
      entries.set(ip, { ptr, atMs: nowMs })
      return ptr
    },
  }
}

export interface DmarcReportDeps {
  readonly reports: Pick<ReportStore, 'listDmarcRecords'>
  readonly dns: Resolver
  readonly ptrCache: PtrCache
  /** todoku's egress IPs (config egress.sources[].address) */
  readonly egressIps: readonly string[]
  readonly senders: readonly ReportSender[]
  /** legitimate messages a verdict needs (default MIN_MESSAGES_FOR_VERDICT) */
  readonly minMessages?: number
}

/** The analysis of the stored reports matching `query`. */
export async function runDmarcReport(query: ReportQuery, deps: DmarcReportDeps): Promise<DmarcAnalysis> {
  const rows = await deps.reports.listDmarcRecords(query)
  const domainOfIp = new Map<string, string>()
  const volume = new Map<string, number>()
  for (const row of rows) {
    if (!domainOfIp.has(row.sourceIp)) domainOfIp.set(row.sourceIp, row.report.domain)
    volume.set(row.sourceIp, (volume.get(row.sourceIp) ?? 0) + row.count)
  }
  const own = new Set(deps.egressIps)
  // the biggest sources first, so the lookup limit drops the smallest
  const ips = [...volume.keys()].sort((a, b) => (volume.get(b) ?? 0) - (volume.get(a) ?? 0))
  const facts = new Map<string, SourceFacts>()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < Math.min(ips.length, MAX_SOURCES_LOOKED_UP)) {
      const ip = ips[next++]
      facts.set(ip, await factsOf(ip, domainOfIp.get(ip) ?? '', own.has(ip), deps))
    }
  }
  await Promise.all(Array.from({ length: LOOKUP_CONCURRENCY }, worker))
  for (const ip of ips.slice(MAX_SOURCES_LOOKED_UP)) facts.set(ip, { isOwnEgress: own.has(ip) })
  return analyzeDmarc(rows, facts, { ...(query.domain !== undefined && { domain: query.domain.toLowerCase() }), ...(deps.minMessages !== undefined && { minMessages: deps.minMessages }) })
}

async function factsOf(ip: string, domain: string, isOwnEgress: boolean, deps: DmarcReportDeps): Promise<SourceFacts> {
  const ptr = await deps.ptrCache.ptrOf(ip)
  const sender = ptr === undefined ? undefined : senderOfPtr(ptr, deps.senders)
  let isSpfAuthorized: boolean | undefined
  if (!isOwnEgress && domain !== '') {
    const verdict = await checkSpfHost({ ip, mailFrom: `postmaster@${domain}`, helo: domain }, { dns: deps.dns })
    isSpfAuthorized = verdict.result === 'pass' ? true : verdict.result === 'temperror' || verdict.result === 'permerror' ? undefined : false
  }
  return {
    isOwnEgress,
    ...(ptr !== undefined && { ptr }),
    ...(isSpfAuthorized !== undefined && { isSpfAuthorized }),
    ...(sender !== undefined && { provider: { name: sender.name, ...(sender.spfInclude !== undefined && { spfInclude: sender.spfInclude }) } }),
  }
}
