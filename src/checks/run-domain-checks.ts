// The edge of the domain doctor: every DNS look-up (and the MTA-STS policy fetch) for one
// sending domain, in parallel, then the pure evaluators over the answers.
import { dkimDnsRecord } from '../dkim/index.ts'
import type { FetchMtaStsPolicy } from '../delivery/index.ts'
import type { Clock } from '../core/index.ts'
import { dnsFailureOf, type DnsFailure, type Resolver } from '../dns/index.ts'
import { evaluateBimi } from './bimi.ts'
import { evaluateBulkSenderRequirements } from './bulk-sender.ts'
import { overallStatus, type CheckResult, type DomainReport } from './check-result.ts'
import { evaluateDkim, type DkimKeyState } from './dkim.ts'
import { evaluateDmarc, organizationalDomain } from './dmarc.ts'
import { dnsblQueryName, evaluateDnsbl } from './dnsbl.ts'
import type { DnsblLists } from './dnsbl-lists.ts'
import { evaluateMtaSts } from './mta-sts.ts'
import { evaluateMx } from './mx.ts'
import { evaluatePtr } from './ptr.ts'
import { checkSpfHost, evaluateSpf, walkSpf } from './spf.ts'
import { evaluateTlsRpt } from './tls-rpt.ts'

/** What a sending domain should look like: from the store (keys, bounce domain) and the config (egress IPs, inbound host). */
export interface DomainCheckTarget {
  /** the From: domain */
  readonly domain: string
  /** the MAIL FROM (VERP) domain; the domain itself when it has no bounce domain */
  readonly bounceDomain: string
  readonly dkimKeys: readonly { readonly selector: string; readonly algorithm: 'rsa-sha256' | 'ed25519-sha256'; readonly privateKeyPem: string; readonly state: DkimKeyState }[]
  /** egress sources: the IPs SPF must authorize and whose PTR must name the EHLO name */
  readonly egress: readonly { readonly address: string; readonly ehloName: string }[]
  /** the host the bounce domain's MX must name (todoku's inbound host) */
  readonly mxHost?: string
  /** an SPF include that covers todoku's IPs (`spf.todoku.example`), preferred to ip4:/ip6: terms in fixes */
  readonly spfInclude?: string
}

export interface DomainCheckDeps {
  readonly dns: Resolver
  readonly clock: Clock
  /** fetches an MTA-STS policy file (createHttpsPolicyFetcher); absent: the policy is not fetched */
  readonly fetchMtaStsPolicy?: FetchMtaStsPolicy
  /** blocklists to query; absent: none */
  readonly blocklists?: DnsblLists
  /** delivery's TLS setting, for the providers' TLS requirement */
  readonly tls?: 'opportunistic' | 'none'
}

/** The DMARC/TLS-RPT report mailbox todoku reads: `dmarc@<bounce domain>`. */
export function reportAddressOf(target: Pick<DomainCheckTarget, 'bounceDomain'>): string {
  return `dmarc@${target.bounceDomain}`
}

/** The SPF terms that authorize todoku: the include when configured, else ip4:/ip6: of each egress IP. */
export function spfTermsOf(target: Pick<DomainCheckTarget, 'egress' | 'spfInclude'>): string[] {
  if (target.spfInclude !== undefined) return [`include:${target.spfInclude}`]
  return target.egress.map((source) => (source.address.includes(':') ? `ip6:${source.address}` : `ip4:${source.address}`))
}

type Answer<T> = T | DnsFailure

/** An answer or the DNS failure; anything else (a bug) is thrown. */
async function answer<T>(lookup: Promise<T>): Promise<Answer<T>> {
  try {
    return await lookup
  } catch (error) {
    const failure = dnsFailureOf(error)
    if (failure === undefined) throw error
    return failure
  }
}

/** All addresses of a host (A and AAAA), or the failure of both. */
async function addressesOf(dns: Resolver, host: string): Promise<Answer<string[]>> {
  const [a, aaaa] = await Promise.all([answer(dns.a(host)), answer(dns.aaaa(host))])
  if (typeof a === 'string' && typeof aaaa === 'string') return a
  return [...(typeof a === 'string' ? [] : a), ...(typeof aaaa === 'string' ? [] : aaaa)]
}

async function observeMx(dns: Resolver, domain: string) {
  const [mx, a, aaaa] = await Promise.all([answer(dns.mx(domain)), answer(dns.a(domain)), answer(dns.aaaa(domain))])
  const hostAddresses: Record<string, Answer<string[]>> = {}
  if (typeof mx !== 'string') {
    await Promise.all(mx.filter((record) => record.exchange !== '').map(async (record) => {
      hostAddresses[record.exchange] = await addressesOf(dns, record.exchange)
    }))
  }
  return { domain, mx, a, aaaa, hostAddresses }
}

async function observePtr(dns: Resolver, ip: string) {
  const ptr = await answer(dns.ptr(ip))
  const forward: Record<string, Answer<string[]>> = {}
  if (typeof ptr !== 'string') {
    await Promise.all(ptr.slice(0, 10).map(async (name) => {
      const host = name.toLowerCase().replace(/\.$/, '')
      forward[host] = await answer(ip.includes(':') ? dns.aaaa(host) : dns.a(host))
    }))
  }
  return { ip, ptr, forward }
}

/** A stable MTA-STS id to suggest: the date of the check, `20251103000000`. */
function suggestedStsId(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/\D/g, '').slice(0, 14)
}

/**
 * Every check of one sending domain: SPF, DKIM, DMARC and alignment, MX and A/AAAA of the
 * domain and the bounce domain, PTR/FCrDNS of each egress IP, MTA-STS, TLS-RPT, BIMI, DNS
 * blocklists, and the providers' bulk-sender requirements derived from them.
 */
export async function runDomainChecks(target: DomainCheckTarget, deps: DomainCheckDeps): Promise<DomainReport> {
  const { dns } = deps
  const domain = target.domain.toLowerCase()
  const bounceDomain = target.bounceDomain.toLowerCase()
  const ips = target.egress.map((source) => source.address)
  const rua = `mailto:${reportAddressOf(target)}`
  const orgDomain = organizationalDomain(domain)
  const [spfTree, spfVerdicts, dkimAnswers, dmarcAtDomain, dmarcAtOrg, mxSending, mxBounce, ptrs, stsTxt, tlsRptTxt, bimiTxt, ipListings, domainListings] = await Promise.all([
    walkSpf(bounceDomain, { dns }),
    Promise.all(ips.map(async (ip) => ({ ip, verdict: await checkSpfHost({ ip, mailFrom: `postmaster@${bounceDomain}`, helo: target.egress.find((s) => s.address === ip)?.ehloName ?? bounceDomain }, { dns }) }))),
    Promise.all(target.dkimKeys.map(async (key) => ({ key, published: await answer(dns.txt(`${key.selector}._domainkey.${domain}`)) }))),
    answer(dns.txt(`_dmarc.${domain}`)),
    orgDomain === domain ? Promise.resolve(undefined) : answer(dns.txt(`_dmarc.${orgDomain}`)),
    observeMx(dns, domain),
    bounceDomain === domain ? Promise.resolve(undefined) : observeMx(dns, bounceDomain),
    Promise.all(target.egress.map(async (source) => ({ source, observed: await observePtr(dns, source.address) }))),
    answer(dns.txt(`_mta-sts.${bounceDomain}`)),
    answer(dns.txt(`_smtp._tls.${bounceDomain}`)),
    answer(dns.txt(`default._bimi.${domain}`)),
    Promise.all((deps.blocklists?.ip ?? []).filter((list) => list.enabled).flatMap((list) => ips.map(async (ip) => ({ list, subject: ip, answer: await answer(dns.a(dnsblQueryName(ip, list.zone))) })))),
    Promise.all((deps.blocklists?.domain ?? []).filter((list) => list.enabled).flatMap((list) => [...new Set([domain, bounceDomain])].map(async (subject) => ({ list, subject, answer: await answer(dns.a(dnsblQueryName(subject, list.zone))) })))),
  ])

  const checks: CheckResult[] = []
  checks.push(...evaluateSpf({ tree: spfTree, verdicts: spfVerdicts }, { domain: bounceDomain, ips, suggestedTerms: spfTermsOf(target) }))
  for (const { key, published } of dkimAnswers) {
    checks.push(...evaluateDkim(published, { domain, selector: key.selector, algorithm: key.algorithm, expectedRecord: dkimDnsRecord(key.privateKeyPem), state: key.state }))
  }
  const dmarcObserved = dmarcAtOrg === undefined ? { atDomain: dmarcAtDomain } : { atDomain: dmarcAtDomain, atOrganizationalDomain: dmarcAtOrg }
  checks.push(...evaluateDmarc(dmarcObserved, { domain, returnPathDomain: bounceDomain, dkimDomain: domain, suggestedRua: rua }))
  checks.push(...evaluateMx(mxSending, { role: bounceDomain === domain ? 'bounce' : 'sending', ...(bounceDomain === domain && target.mxHost !== undefined && { expectedMx: target.mxHost }) }))
  if (mxBounce !== undefined) checks.push(...evaluateMx(mxBounce, { role: 'bounce', ...(target.mxHost !== undefined && { expectedMx: target.mxHost }) }))
  for (const { source, observed } of ptrs) checks.push(...evaluatePtr(observed, { ehloName: source.ehloName }))

  const bounceMx = mxBounce ?? mxSending
  const mxHosts = typeof bounceMx.mx === 'string' ? [] : bounceMx.mx.map((record) => record.exchange).filter((host) => host !== '')
  let policy: { text: string } | { error: string } | undefined
  if (typeof stsTxt !== 'string' && deps.fetchMtaStsPolicy !== undefined && stsTxt.some((strings) => strings.join('').startsWith('v=STSv1'))) {
    try {
      policy = { text: await deps.fetchMtaStsPolicy(bounceDomain) }
    } catch (error) {
      policy = { error: (error as Error).message }
    }
  }
  checks.push(...evaluateMtaSts({ domain: bounceDomain, txt: stsTxt, mxHosts, ...(policy !== undefined && { policy }) }, { suggestedId: suggestedStsId(deps.clock.now()) }))
  checks.push(...evaluateTlsRpt(tlsRptTxt, { domain: bounceDomain, suggestedRua: rua }))
  checks.push(...evaluateBimi(bimiTxt, { domain }))
  for (const listing of [...ipListings, ...domainListings]) checks.push(evaluateDnsbl(listing.answer, listing.list, listing.subject))
  checks.push(...evaluateBulkSenderRequirements(checks, { tls: deps.tls ?? 'opportunistic' }))
  return { domain, checkedAtMs: deps.clock.now(), status: overallStatus(checks), checks }
}
