// The RFC 7208 SPF test suite (OpenSPF / pyspf, ../shared/corpus/spf/rfc7208-tests.yml)
// through todoku's SPF check path: checkSpfHost (mailauth strict, over our Resolver port),
// with a Resolver built from each scenario's zone data. Driver conventions follow pyspf's
// test/testspf.py, as the corpus README describes them.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parseAllDocuments } from 'yaml'
import { checkSpfHost } from '../src/checks/index.ts'
import { DnsError, normalizeDnsName, reverseName, type DnsRecordType, type MxRecord, type Resolver } from '../src/dns/index.ts'

const SUITE = new URL('../../shared/corpus/spf/rfc7208-tests.yml', import.meta.url)

type ZoneEntry = string | Record<string, unknown>

/**
 * A Resolver over one scenario's zonedata. Per name, records are read in order: a bare
 * TIMEOUT makes every type not listed before it time out; SPF records stand in for TXT when
 * the name lists no TXT (`TXT: NONE` prevents that); CNAME is followed for every type.
 */
function suiteResolver(zonedata: Record<string, ZoneEntry[]>): Resolver {
  const zone = new Map<string, ZoneEntry[]>()
  for (const [name, entries] of Object.entries(zonedata ?? {})) zone.set(normalizeDnsName(name), entries ?? [])

  function find(queryName: string, type: DnsRecordType | 'CNAME', hops = 0): unknown[] {
    const name = normalizeDnsName(queryName)
    const entries = zone.get(name)
    if (entries === undefined) throw new DnsError('NXDOMAIN', queryName, type as DnsRecordType)
    const found: unknown[] = []
    let hasTxt = false
    let txtNone = false
    for (const entry of entries) {
      if (entry === 'TIMEOUT') {
        if (found.length === 0) throw new DnsError('TIMEOUT', queryName, type as DnsRecordType)
        break
      }
      if (typeof entry !== 'object' || entry === null) continue
      const [[key, value]] = Object.entries(entry) as [[string, unknown]]
      if (key === 'TXT') {
        if (value === 'NONE') txtNone = true
        else hasTxt = true
      }
      if (key === 'CNAME' && type !== 'CNAME') {
        if (hops > 8) throw new DnsError('SERVFAIL', queryName, type as DnsRecordType)
        return find(String(value), type, hops + 1)
      }
      if (key === type && !(key === 'TXT' && value === 'NONE')) found.push(value)
    }
    if (type === 'TXT' && !hasTxt && !txtNone) {
      for (const entry of entries) {
        if (typeof entry === 'object' && entry !== null && 'SPF' in entry) found.push(entry.SPF)
      }
    }
    if (found.length === 0) throw new DnsError('NODATA', queryName, type as DnsRecordType)
    return found
  }

  return {
    async txt(name) {
      return find(name, 'TXT').map((value) => (Array.isArray(value) ? value.map(String) : [String(value)]))
    },
    async mx(name) {
      return find(name, 'MX').map((value): MxRecord => {
        const [priority, exchange] = value as [number, string]
        return { priority, exchange: normalizeDnsName(exchange) }
      })
    },
    async a(name) {
      return find(name, 'A').map(String)
    },
    async aaaa(name) {
      return find(name, 'AAAA').map(String)
    },
    async ptr(address) {
      return find(reverseName(address), 'PTR').map((value) => normalizeDnsName(String(value)))
    },
  }
}

interface SuiteCase {
  readonly helo: string
  readonly host: string
  readonly mailfrom: string
  readonly result: string | string[]
  readonly explanation?: string
}

test('the RFC 7208 suite passes through the SPF check path, case by case', { skip: existsSync(SUITE) ? false : `the SPF corpus is absent (${SUITE.pathname})` }, async (t) => {
  const documents = parseAllDocuments(readFileSync(SUITE, 'utf8')).map((doc) => doc.toJS() as { description: string; tests: Record<string, SuiteCase>; zonedata: Record<string, ZoneEntry[]> })
  let total = 0
  const failures: string[] = []
  const explanationMismatches: string[] = []
  for (const scenario of documents) {
    const dns = suiteResolver(scenario.zonedata)
    for (const [id, spec] of Object.entries(scenario.tests)) {
      total++
      const expected = Array.isArray(spec.result) ? spec.result : [spec.result]
      const verdict = await checkSpfHost({ ip: spec.host, mailFrom: spec.mailfrom ?? '', helo: spec.helo ?? '' }, { dns })
      if (!expected.includes(verdict.result)) {
        failures.push(`${scenario.description} / ${id}: got ${verdict.result} (${verdict.text}), expected ${expected.join(' or ')}`)
        continue
      }
      if (spec.explanation !== undefined && verdict.result === 'fail') {
        const want = spec.explanation === 'DEFAULT' ? undefined : spec.explanation
        if (verdict.explanation !== want) explanationMismatches.push(`${scenario.description} / ${id}: explanation ${JSON.stringify(verdict.explanation)}, expected ${JSON.stringify(want)}`)
      }
    }
  }
  t.diagnostic(`RFC 7208 suite: ${total - failures.length}/${total} results as expected; explanations differing: ${explanationMismatches.length}`)
  for (const line of explanationMismatches) t.diagnostic(line)
  assert.equal(total, 203, 'the suite has 203 cases')
  assert.deepEqual(failures, [])
})
