import { DnsError, type DnsRecordType } from './dns-error.ts'
import type { MxRecord, Resolver } from './resolver.ts'
import { MAX_CNAME_CHAIN, normalizeDnsName, reverseName, txtCharacterStrings, type Zone, type ZoneRecords } from './zone.ts'

/** A Resolver over a Zone in memory, recording each question it was asked. */
export interface ZoneResolver extends Resolver {
  /** the questions asked, in order: 'MX example.jp', 'A mx1.example.jp', 'PTR 127.0.0.2' */
  readonly calls: string[]
}

/**
 * An in-memory Resolver for unit tests, after mailauth's `test/helpers/dns-zone.js` and
 * Kumo's `TestResolver`: NXDOMAIN for names not in the zone, NODATA for names without the
 * type asked, SERVFAIL for the names in `servfail`. Same answers as `sim/`'s DNS server
 * gives for the same zone.
 */
export function createZoneResolver(zone: Zone, options?: { servfail?: readonly string[] }): ZoneResolver {
  const records = new Map<string, ZoneRecords>()
  for (const [name, entry] of Object.entries(zone)) records.set(normalizeDnsName(name), entry)
  const servfail = new Set((options?.servfail ?? []).map(normalizeDnsName))
  const calls: string[] = []

  function find<T>(queryName: string, rrtype: DnsRecordType, pick: (entry: ZoneRecords) => readonly T[] | undefined): T[] {
    let name = normalizeDnsName(queryName)
    for (let hops = 0; hops <= MAX_CNAME_CHAIN; hops++) {
      if (servfail.has(name)) throw new DnsError('SERVFAIL', queryName, rrtype)
      const entry = records.get(name)
      if (entry === undefined) throw new DnsError('NXDOMAIN', queryName, rrtype)
      const found = pick(entry)
      if (found !== undefined && found.length > 0) return [...found]
      if (entry.CNAME === undefined) throw new DnsError('NODATA', queryName, rrtype)
      name = normalizeDnsName(entry.CNAME)
    }
    throw new DnsError('SERVFAIL', queryName, rrtype, { detail: `CNAME chain longer than ${MAX_CNAME_CHAIN}` })
  }

  return {
    calls,
    async txt(name) {
      calls.push(`TXT ${name}`)
      return find(name, 'TXT', (entry) => entry.TXT).map(txtCharacterStrings)
    },
    async mx(name) {
      calls.push(`MX ${name}`)
      return find(name, 'MX', (entry) => entry.MX).map(([priority, exchange]): MxRecord => ({
        priority,
        // as node:dns gives it: no trailing dot, the root (null MX) as ''
        exchange: normalizeDnsName(exchange),
      }))
    },
    async a(name) {
      calls.push(`A ${name}`)
      return find(name, 'A', (entry) => entry.A)
    },
    async aaaa(name) {
      calls.push(`AAAA ${name}`)
      return find(name, 'AAAA', (entry) => entry.AAAA)
    },
    async ptr(address) {
      calls.push(`PTR ${address}`)
      if (servfail.has(address)) throw new DnsError('SERVFAIL', address, 'PTR')
      return find(reverseName(address), 'PTR', (entry) => entry.PTR).map(normalizeDnsName)
    },
  }
}
