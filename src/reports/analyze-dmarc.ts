// Which sending environments pass DMARC for a domain, which fail and why, and whether the
// domain can move to p=quarantine / p=reject. Pure: the rows come from the store, and what is
// known about each source IP (its PTR, whether it is ours, whether the domain's SPF
// authorizes it, which provider it belongs to) is looked up at the edge and handed in.
import type { DmarcRecord } from '../store/index.ts'

/**
 * How a source IP relates to the domain:
 * - `own`: one of todoku's egress IPs
 * - `third-party`: a sender the domain's SPF authorizes (an ESP, a workspace provider)
 * - `forwarder`: not authorized, but its mail carries the domain's aligned DKIM signature (forwarding, a list that keeps it intact)
 * - `unknown`: neither: likely spoofing, or a sender of yours not set up yet
 */
export type SourceKind = 'own' | 'third-party' | 'forwarder' | 'unknown'
export const SOURCE_KINDS: readonly SourceKind[] = ['own', 'third-party', 'forwarder', 'unknown']

/** What the edge learned about one source IP. */
export interface SourceFacts {
  readonly ptr?: string
  readonly isOwnEgress: boolean
  /** whether the policy domain's SPF, evaluated now, authorizes the IP; undefined when it could not be evaluated */
  readonly isSpfAuthorized?: boolean
  /** a known sending service whose PTR or address range matches (data/report-senders.toml) */
  readonly provider?: { readonly name: string; readonly spfInclude?: string }
}

/** One thing to fix, as a code with its facts; `dmarc-report-text.ts` says it in English or Japanese. */
export interface DmarcFix {
  readonly code:
    | 'own-dkim-failing' | 'own-spf-failing' | 'third-party-dkim-unaligned' | 'third-party-dkim-missing'
    | 'third-party-return-path-unaligned' | 'known-sender-not-authorized' | 'likely-spoofing'
  readonly sourceIp: string
  readonly provider?: string
  /** the DKIM d= or envelope domain seen instead of an aligned one */
  readonly seenDomain?: string
  readonly spfInclude?: string
  readonly messages: number
}

export interface SourceAnalysis {
  readonly sourceIp: string
  readonly ptr?: string
  readonly kind: SourceKind
  readonly provider?: string
  readonly messages: number
  /** messages that passed DMARC (aligned DKIM or aligned SPF pass) */
  readonly dmarcPass: number
  readonly dkimAligned: number
  readonly spfAligned: number
  /** messages with some DKIM / SPF pass, aligned or not */
  readonly dkimPass: number
  readonly spfPass: number
  readonly passRate: number
  readonly dispositions: Readonly<Record<string, number>>
  readonly dkimDomains: readonly string[]
  readonly envelopeDomains: readonly string[]
  readonly fixes: readonly DmarcFix[]
}

/** Sources grouped by who runs them: todoku, a named provider, or the PTR's domain. */
export interface EnvironmentAnalysis {
  readonly name: string
  readonly kind: SourceKind
  readonly sources: number
  readonly messages: number
  readonly dmarcPass: number
  readonly passRate: number
  readonly isFailing: boolean
}

export type EnforcementVerdict = 'not-enough-data' | 'fix-first' | 'move-to-quarantine' | 'move-to-reject' | 'at-reject'

export interface DmarcAnalysis {
  readonly domain?: string
  readonly reports: number
  readonly reporters: readonly string[]
  readonly period?: { readonly beginS: number; readonly endS: number }
  /** the p= of the most recent report */
  readonly policy?: string
  readonly messages: number
  readonly dmarcPass: number
  readonly sources: readonly SourceAnalysis[]
  readonly environments: readonly EnvironmentAnalysis[]
  /** own, third-party and forwarder sources */
  readonly legitimate: { readonly messages: number; readonly dmarcPass: number; readonly passRate: number }
  readonly unknown: { readonly messages: number; readonly sources: number }
  readonly enforcement: {
    readonly verdict: EnforcementVerdict
    readonly isSafeToQuarantine: boolean
    readonly isSafeToReject: boolean
    /** legitimate environments below the pass rate */
    readonly failing: readonly string[]
  }
  readonly fixes: readonly DmarcFix[]
}

export interface AnalysisRow extends DmarcRecord {
  readonly report: { readonly id: string; readonly orgName: string; readonly domain: string; readonly dateRange: { readonly beginS: number; readonly endS: number }; readonly policy?: string }
}

/** Share of legitimate volume that must pass DMARC (aligned) before enforcing; M3AAWG and the big providers advise near-total coverage first. */
export const ENFORCEMENT_PASS_RATE = 0.98
/** Legitimate messages a verdict needs: below it, a few messages decide the rate. */
export const MIN_MESSAGES_FOR_VERDICT = 100

/** The analysis of report rows (of one policy domain, or several). */
export function analyzeDmarc(rows: readonly AnalysisRow[], facts: ReadonlyMap<string, SourceFacts>, options: { domain?: string; minMessages?: number } = {}): DmarcAnalysis {
  const byIp = new Map<string, AnalysisRow[]>()
  const reportIds = new Set<string>()
  const reporters = new Set<string>()
  let latest: AnalysisRow | undefined
  let beginS = Infinity
  let endS = -Infinity
  for (const row of rows) {
    let list = byIp.get(row.sourceIp)
    if (list === undefined) byIp.set(row.sourceIp, (list = []))
    list.push(row)
    reportIds.add(row.report.id)
    reporters.add(row.report.orgName)
    beginS = Math.min(beginS, row.report.dateRange.beginS)
    endS = Math.max(endS, row.report.dateRange.endS)
    if (latest === undefined || row.report.dateRange.endS >= latest.report.dateRange.endS) latest = row
  }
  const sources = [...byIp].map(([ip, ipRows]) => analyzeSource(ip, ipRows, facts.get(ip) ?? { isOwnEgress: false }))
  sources.sort((a, b) => SOURCE_KINDS.indexOf(a.kind) - SOURCE_KINDS.indexOf(b.kind) || b.messages - a.messages || a.sourceIp.localeCompare(b.sourceIp))
  const environments = groupEnvironments(sources)
  const legitimateSources = sources.filter((s) => s.kind !== 'unknown')
  const legitimate = totals(legitimateSources)
  const unknownSources = sources.filter((s) => s.kind === 'unknown')
  const failing = environments.filter((e) => e.isFailing && (e.kind === 'own' || e.kind === 'third-party')).map((e) => e.name)
  const hasEnoughData = legitimate.messages >= (options.minMessages ?? MIN_MESSAGES_FOR_VERDICT)
  const isSafe = hasEnoughData && legitimate.passRate >= ENFORCEMENT_PASS_RATE && failing.length === 0
  const policy = latest?.report.policy
  const verdict: EnforcementVerdict = !hasEnoughData ? 'not-enough-data' : !isSafe ? 'fix-first'
    : policy === 'reject' ? 'at-reject' : policy === 'quarantine' ? 'move-to-reject' : 'move-to-quarantine'
  const all = totals(sources)
  return {
    ...(options.domain !== undefined && { domain: options.domain }),
    reports: reportIds.size,
    reporters: [...reporters].sort(),
    ...(rows.length > 0 && { period: { beginS, endS } }),
    ...(policy !== undefined && { policy }),
    messages: all.messages,
    dmarcPass: all.dmarcPass,
    sources,
    environments,
    legitimate,
    unknown: { messages: unknownSources.reduce((sum, s) => sum + s.messages, 0), sources: unknownSources.length },
    enforcement: { verdict, isSafeToQuarantine: isSafe, isSafeToReject: isSafe && (policy === 'quarantine' || policy === 'reject'), failing },
    fixes: sources.flatMap((s) => s.fixes).sort((a, b) => b.messages - a.messages),
  }
}

function totals(sources: readonly SourceAnalysis[]): { messages: number; dmarcPass: number; passRate: number } {
  const messages = sources.reduce((sum, s) => sum + s.messages, 0)
  const dmarcPass = sources.reduce((sum, s) => sum + s.dmarcPass, 0)
  return { messages, dmarcPass, passRate: messages === 0 ? 0 : dmarcPass / messages }
}

function analyzeSource(sourceIp: string, rows: readonly AnalysisRow[], facts: SourceFacts): SourceAnalysis {
  let messages = 0, dmarcPass = 0, dkimAligned = 0, spfAligned = 0, dkimPass = 0, spfPass = 0
  const dispositions: Record<string, number> = {}
  const dkimDomains = new Map<string, number>()
  const envelopeDomains = new Map<string, number>()
  for (const row of rows) {
    const n = row.count
    messages += n
    if (row.dkim === 'pass' || row.spf === 'pass') dmarcPass += n
    if (row.dkim === 'pass') dkimAligned += n
    if (row.spf === 'pass') spfAligned += n
    if (row.dkimResults.some((r) => r.result === 'pass')) dkimPass += n
    if (row.spfResults.some((r) => r.result === 'pass')) spfPass += n
    dispositions[row.disposition] = (dispositions[row.disposition] ?? 0) + n
    for (const r of row.dkimResults) if (r.domain !== '') dkimDomains.set(r.domain, (dkimDomains.get(r.domain) ?? 0) + n)
    const envelope = row.envelopeFrom ?? row.spfResults.find((r) => r.scope === undefined || r.scope === 'mfrom')?.domain
    if (envelope !== undefined && envelope !== '') envelopeDomains.set(envelope, (envelopeDomains.get(envelope) ?? 0) + n)
  }
  const kind: SourceKind = facts.isOwnEgress ? 'own'
    : facts.isSpfAuthorized === true ? 'third-party'
      : dkimAligned * 2 >= messages && messages > 0 ? 'forwarder'
        : 'unknown'
  const byVolume = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).map(([domain]) => domain)
  const source = {
    sourceIp, ...(facts.ptr !== undefined && { ptr: facts.ptr }), kind, ...(facts.provider !== undefined && { provider: facts.provider.name }),
    messages, dmarcPass, dkimAligned, spfAligned, dkimPass, spfPass, passRate: messages === 0 ? 0 : dmarcPass / messages,
    dispositions, dkimDomains: byVolume(dkimDomains), envelopeDomains: byVolume(envelopeDomains),
  }
  return { ...source, fixes: fixesFor(source, facts) }
}

function fixesFor(s: Omit<SourceAnalysis, 'fixes'>, facts: SourceFacts): DmarcFix[] {
  const base = { sourceIp: s.sourceIp, ...(s.provider !== undefined && { provider: s.provider }) }
  const failing = s.messages - s.dmarcPass
  const fixes: DmarcFix[] = []
  if (s.kind === 'own') {
    if (s.dkimAligned < s.messages) fixes.push({ ...base, code: 'own-dkim-failing', messages: s.messages - s.dkimAligned, ...(s.dkimDomains[0] !== undefined && { seenDomain: s.dkimDomains[0] }) })
    if (s.spfAligned < s.messages && s.spfPass < s.messages) fixes.push({ ...base, code: 'own-spf-failing', messages: s.messages - s.spfAligned })
  } else if (s.kind === 'third-party' && failing > 0) {
    if (s.dkimPass > s.dkimAligned) fixes.push({ ...base, code: 'third-party-dkim-unaligned', messages: failing, ...(s.dkimDomains[0] !== undefined && { seenDomain: s.dkimDomains[0] }) })
    else fixes.push({ ...base, code: 'third-party-dkim-missing', messages: failing })
    if (s.spfPass > s.spfAligned) fixes.push({ ...base, code: 'third-party-return-path-unaligned', messages: failing, ...(s.envelopeDomains[0] !== undefined && { seenDomain: s.envelopeDomains[0] }) })
  } else if (s.kind === 'unknown') {
    if (facts.provider !== undefined) fixes.push({ ...base, code: 'known-sender-not-authorized', messages: failing, ...(facts.provider.spfInclude !== undefined && { spfInclude: facts.provider.spfInclude }) })
    else fixes.push({ ...base, code: 'likely-spoofing', messages: failing })
  }
  return fixes.filter((fix) => fix.messages > 0)
}

function groupEnvironments(sources: readonly SourceAnalysis[]): EnvironmentAnalysis[] {
  const groups = new Map<string, { name: string; kind: SourceKind; sources: number; messages: number; dmarcPass: number }>()
  for (const s of sources) {
    const name = s.kind === 'own' ? 'todoku' : s.provider ?? ptrDomain(s.ptr) ?? s.sourceIp
    const key = `${s.kind}\u0000${name}`
    const group = groups.get(key) ?? { name, kind: s.kind, sources: 0, messages: 0, dmarcPass: 0 }
    group.sources++
    group.messages += s.messages
    group.dmarcPass += s.dmarcPass
    groups.set(key, group)
  }
  return [...groups.values()].map((g) => {
    const passRate = g.messages === 0 ? 0 : g.dmarcPass / g.messages
    return { ...g, passRate, isFailing: passRate < ENFORCEMENT_PASS_RATE }
  }).sort((a, b) => SOURCE_KINDS.indexOf(a.kind) - SOURCE_KINDS.indexOf(b.kind) || b.messages - a.messages)
}

/** The last two labels of a PTR name (three under a two-letter second-level like co.jp): who runs the host, roughly. */
function ptrDomain(ptr: string | undefined): string | undefined {
  if (ptr === undefined) return undefined
  const labels = ptr.toLowerCase().replace(/\.$/, '').split('.')
  if (labels.length < 2) return undefined
  const take = labels.length >= 3 && labels[labels.length - 2].length <= 3 && labels[labels.length - 1].length === 2 ? 3 : 2
  return labels.slice(-take).join('.')
}
