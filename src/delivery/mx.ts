import { isIP } from 'node:net'
import type { Random } from '../core/index.ts'
import { DnsError, DnsFailure, normalizeDnsName, type MxRecord, type Resolver } from '../dns/index.ts'

/** One mail exchanger of a route, with its addresses: IPv4 first, then IPv6. */
export interface MxHost {
  readonly name: string
  readonly priority: number
  readonly addresses: readonly string[]
}

/**
 * Where mail for a domain goes: the MX hosts to try in order, or why there is nowhere to
 * go. `reason` uses Sisimai's names; `permanent` says whether retrying can help.
 */
export type Route =
  | { readonly kind: 'hosts'; readonly hosts: readonly MxHost[] }
  | {
      readonly kind: 'fail'
      readonly permanent: boolean
      readonly reason: 'hostunknown' | 'notaccept' | 'networkerror'
      readonly detail: string
    }

/**
 * MX hosts tried per domain, lowest priorities first; the rest are ignored. Threat: a
 * domain publishing hundreds of MX records makes every message to it cost hundreds of
 * look-ups and connection attempts. Postfix's `smtp_mx_address_limit` works the same way.
 */
export const MAX_MX_HOSTS = 10

/**
 * Addresses kept per MX host. Threat: an MX host with a huge answer set (over TCP) turning
 * one delivery into hundreds of connection attempts.
 */
export const MAX_ADDRESSES_PER_HOST = 8

type HostLookup = { readonly addresses: string[]; readonly temporary?: DnsError; readonly detail?: string }

/**
 * Finds where to deliver mail for `domain` (RFC 5321 §5.1): MX records by priority, in a
 * random order among equal priorities (§5.1 "MUST randomize them"), each MX host with its
 * A/AAAA addresses. No MX records: the domain itself is the implicit MX. A null MX
 * (RFC 7505) fails for good, as does a domain that does not exist; a DNS server that fails
 * or does not answer makes a temporary failure.
 */
export async function resolveRoute(domain: string, deps: { dns: Resolver; random: Random }): Promise<Route> {
  const { dns, random } = deps
  let records: MxRecord[]
  try {
    records = await dns.mx(domain)
  } catch (error) {
    const failure = failureOf(error)
    if (failure === 'NODATA') return implicitRoute(domain, dns)
    return failRoute(error as DnsError)
  }

  const exchanges = records.map((record) => ({ priority: record.priority, name: normalizeDnsName(record.exchange) }))
  // RFC 7505 §3: "0 ." as the only MX says the domain accepts no mail. A null MX mixed with
  // real ones breaks §3 ("MUST NOT advertise any other MX RR"): the null one is unusable, the
  // others are tried.
  const usable = exchanges.filter((mx) => mx.name !== '')
  if (usable.length === 0) {
    return { kind: 'fail', permanent: true, reason: 'notaccept', detail: `${domain} has a null MX (RFC 7505): it accepts no mail` }
  }

  const ordered = orderByPriority(dedupe(usable), random).slice(0, MAX_MX_HOSTS)
  const lookups = await Promise.all(ordered.map((mx) => lookUpHost(mx.name, dns)))
  const hosts: MxHost[] = []
  ordered.forEach((mx, i) => {
    const { addresses } = lookups[i]
    if (addresses.length > 0) hosts.push({ name: mx.name, priority: mx.priority, addresses })
  })
  if (hosts.length > 0) return { kind: 'hosts', hosts }

  // Every MX host lacks an address. Temporary even when the look-ups said NXDOMAIN: a broken
  // MX host name is the receiver's misconfiguration, often fixed within the retry period.
  const details = ordered.map((mx, i) => lookups[i].detail ?? `${mx.name}: no address`)
  return { kind: 'fail', permanent: false, reason: 'networkerror', detail: `no MX host of ${domain} has an address: ${details.join('; ')}` }
}

/**
 * Where all mail goes when a relay (smarthost) is configured: the relay's address, or its
 * name's A/AAAA records; MX records are not consulted (Postfix's `relayhost = [host]`). A relay
 * that can't be found fails temporarily: the mail waits for the config or DNS to be fixed.
 */
export async function resolveRelayRoute(relayHost: string, dns: Resolver): Promise<Route> {
  if (isIP(relayHost) !== 0) return { kind: 'hosts', hosts: [{ name: relayHost, priority: 0, addresses: [relayHost] }] }
  const lookup = await lookUpHost(relayHost, dns)
  if (lookup.addresses.length > 0) return { kind: 'hosts', hosts: [{ name: normalizeDnsName(relayHost), priority: 0, addresses: lookup.addresses }] }
  return { kind: 'fail', permanent: false, reason: 'networkerror', detail: `the relay host ${relayHost} has no address: ${lookup.detail ?? 'no A/AAAA records'}` }
}

/** RFC 5321 §5.1: no MX records, so the domain's own address records are the MX, priority 0. */
async function implicitRoute(domain: string, dns: Resolver): Promise<Route> {
  const lookup = await lookUpHost(domain, dns)
  const name = normalizeDnsName(domain)
  if (lookup.addresses.length > 0) return { kind: 'hosts', hosts: [{ name, priority: 0, addresses: lookup.addresses }] }
  if (lookup.temporary !== undefined) return failRoute(lookup.temporary)
  return {
    kind: 'fail',
    permanent: true,
    reason: 'hostunknown',
    detail: `${domain} has neither MX nor A/AAAA records: it is not a mail domain (RFC 5321 §5.1)`,
  }
}

async function lookUpHost(name: string, dns: Resolver): Promise<HostLookup> {
  // RFC 1123 §2.1: a host name never has the dotted-decimal form, since top-level labels are
  // alphabetic; RFC 1035 §3.3.9 makes EXCHANGE a domain name. So an MX of "192.0.2.1" is
  // broken, and we skip it rather than connect to the literal, as Exim does unless
  // `allow_mx_to_ip` is set: whoever controls a domain's DNS must not be able to point our
  // connections at arbitrary (internal) addresses through a literal.
  if (isIP(name) !== 0) return { addresses: [], detail: `${name}: an IP address, not a host name (RFC 1123 §2.1)` }
  const [v4, v6] = await Promise.allSettled([dns.a(name), dns.aaaa(name)])
  const addresses = [...settledAddresses(v4), ...settledAddresses(v6)].slice(0, MAX_ADDRESSES_PER_HOST)
  const errors = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
  for (const error of errors) if (!(error instanceof DnsError)) throw error
  const temporary = (errors as DnsError[]).find((error) => DnsFailure.isTemporary(error.failure))
  const detail = errors.length === 2 ? (temporary ?? (errors[0] as DnsError)).message : undefined
  return { addresses, temporary, detail }
}

function settledAddresses(result: PromiseSettledResult<string[]>): string[] {
  return result.status === 'fulfilled' ? result.value : []
}

function failureOf(error: unknown): DnsFailure {
  if (error instanceof DnsError) return error.failure
  throw error
}

function failRoute(error: DnsError): Route {
  if (DnsFailure.isTemporary(error.failure)) return { kind: 'fail', permanent: false, reason: 'networkerror', detail: error.message }
  return { kind: 'fail', permanent: true, reason: 'hostunknown', detail: error.message }
}

/** The same host listed twice is tried once, at its best priority. */
function dedupe(exchanges: { priority: number; name: string }[]): { priority: number; name: string }[] {
  const best = new Map<string, { priority: number; name: string }>()
  for (const mx of exchanges) {
    const seen = best.get(mx.name)
    if (seen === undefined || mx.priority < seen.priority) best.set(mx.name, mx)
  }
  return [...best.values()]
}

/** Sorted by priority, shuffled (Fisher–Yates, from the injected Random) within each priority. */
function orderByPriority<T extends { priority: number }>(exchanges: T[], random: Random): T[] {
  const shuffled = [...exchanges]
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
  }
  // Array.prototype.sort is stable: equal priorities keep their shuffled order
  return shuffled.sort((a, b) => a.priority - b.priority)
}
