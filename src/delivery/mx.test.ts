import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createSeededRandom, type Random } from '../core/index.ts'
import { createNodeResolver, createZoneResolver, type Zone } from '../dns/index.ts'
import { startDnsServer } from '../sim/index.ts'
import { MAX_MX_HOSTS, resolveRelayRoute, resolveRoute, type Route } from './index.ts'

const random = createSeededRandom(1)

const zone: Zone = {
  'example.jp': { MX: [[20, 'mx2.example.jp'], [10, 'mx1.example.jp']] },
  'mx1.example.jp': { A: ['127.0.0.11'], AAAA: ['::11'] },
  'mx2.example.jp': { AAAA: ['::12'], A: ['127.0.0.12'] },
  'implicit.example.jp': { A: ['127.0.0.20'], TXT: ['v=spf1 -all'] },
  'v6only.example.jp': { AAAA: ['::20'] },
  'nomail.example.jp': { TXT: ['v=spf1 -all'] },
  'null.example.jp': { MX: [[0, '.']] },
  'mixednull.example.jp': { MX: [[0, '.'], [10, 'mx1.example.jp']] },
  'dangling.example.jp': { MX: [[10, 'gone.example.jp'], [20, 'noaddress.example.jp']] },
  'noaddress.example.jp': { TXT: ['no address here'] },
  'halfbroken.example.jp': { MX: [[10, 'gone.example.jp'], [20, 'mx2.example.jp']] },
  'flaky.example.jp': { MX: [[10, 'slow.example.jp']] },
  'literal.example.jp': { MX: [[10, '127.0.0.30']] },
  'literal-and-host.example.jp': { MX: [[10, '127.0.0.30'], [20, 'mx1.example.jp']] },
  'twice.example.jp': { MX: [[30, 'mx1.example.jp'], [10, 'mx1.example.jp']] },
}
const servfail = ['servfail.example.jp', 'slow.example.jp']

function route(domain: string, options: { zone?: Zone; random?: Random } = {}): Promise<Route> {
  const dns = createZoneResolver(options.zone ?? zone, { servfail })
  return resolveRoute(domain, { dns, random: options.random ?? random })
}

test('orders MX hosts by priority, each with IPv4 addresses before IPv6', async () => {
  assert.deepEqual(await route('example.jp'), {
    kind: 'hosts',
    hosts: [
      { name: 'mx1.example.jp', priority: 10, addresses: ['127.0.0.11', '::11'] },
      { name: 'mx2.example.jp', priority: 20, addresses: ['127.0.0.12', '::12'] },
    ],
  })
})

test('puts equal-priority MX hosts in an order drawn from the injected random source', async () => {
  const names = Array.from({ length: 6 }, (_, i) => `mx${i}.example.jp`)
  const equalZone: Zone = {
    'equal.example.jp': { MX: names.map((name) => [10, name] as const) },
    ...Object.fromEntries(names.map((name, i) => [name, { A: [`127.0.1.${i}`] }])),
  }
  const order = async (seed: number) => {
    const result = await route('equal.example.jp', { zone: equalZone, random: createSeededRandom(seed) })
    assert.equal(result.kind, 'hosts')
    return result.hosts.map((host) => host.name)
  }
  assert.deepEqual(await order(7), await order(7))
  const orders = new Set(await Promise.all([1, 2, 3, 4, 5].map(async (seed) => (await order(seed)).join())))
  assert.ok(orders.size > 1, 'different seeds give different orders')
  assert.deepEqual((await order(1)).sort(), names)
})

test('delivers to the domain itself when it has no MX records (implicit MX)', async () => {
  assert.deepEqual(await route('implicit.example.jp'), { kind: 'hosts', hosts: [{ name: 'implicit.example.jp', priority: 0, addresses: ['127.0.0.20'] }] })
  assert.deepEqual(await route('v6only.example.jp'), { kind: 'hosts', hosts: [{ name: 'v6only.example.jp', priority: 0, addresses: ['::20'] }] })
})

test('fails for good a domain with neither MX nor address records', async () => {
  const result = await route('nomail.example.jp')
  assert.equal(result.kind, 'fail')
  assert.deepEqual([result.permanent, result.reason], [true, 'hostunknown'])
  assert.match(result.detail, /not a mail domain/)
})

test('fails for good a domain with a null MX (RFC 7505)', async () => {
  const result = await route('null.example.jp')
  assert.equal(result.kind, 'fail')
  assert.deepEqual([result.permanent, result.reason], [true, 'notaccept'])
  assert.match(result.detail, /null MX/)
})

test('ignores a null MX published beside real MX records', async () => {
  const result = await route('mixednull.example.jp')
  assert.equal(result.kind, 'hosts')
  assert.deepEqual(result.hosts.map((host) => host.name), ['mx1.example.jp'])
})

test('fails for good a domain that does not exist', async () => {
  const result = await route('nowhere.example.jp')
  assert.deepEqual(result, {
    kind: 'fail',
    permanent: true,
    reason: 'hostunknown',
    detail: 'looking up MX of nowhere.example.jp: NXDOMAIN (the name does not exist)',
  })
})

test('fails temporarily when the DNS server fails on the MX look-up', async () => {
  const result = await route('servfail.example.jp')
  assert.equal(result.kind, 'fail')
  assert.deepEqual([result.permanent, result.reason], [false, 'networkerror'])
})

test('skips MX hosts without addresses', async () => {
  const result = await route('halfbroken.example.jp')
  assert.equal(result.kind, 'hosts')
  assert.deepEqual(result.hosts.map((host) => host.name), ['mx2.example.jp'])
})

test('fails temporarily when no MX host has an address', async () => {
  const result = await route('dangling.example.jp')
  assert.equal(result.kind, 'fail')
  assert.deepEqual([result.permanent, result.reason], [false, 'networkerror'])
  assert.match(result.detail, /gone\.example\.jp: NXDOMAIN/)
})

test('fails temporarily when the MX host look-ups fail', async () => {
  const result = await route('flaky.example.jp')
  assert.equal(result.kind, 'fail')
  assert.deepEqual([result.permanent, result.reason], [false, 'networkerror'])
  assert.match(result.detail, /SERVFAIL/)
})

test('never connects to an MX that is an IP address, and does not look it up', async () => {
  const dns = createZoneResolver(zone)
  const result = await resolveRoute('literal.example.jp', { dns, random })
  assert.equal(result.kind, 'fail')
  assert.deepEqual([result.permanent, result.reason], [false, 'networkerror'])
  assert.match(result.detail, /127\.0\.0\.30: an IP address, not a host name/)
  assert.deepEqual(dns.calls, ['MX literal.example.jp'])
  const mixed = await route('literal-and-host.example.jp')
  assert.equal(mixed.kind, 'hosts')
  assert.deepEqual(mixed.hosts.map((host) => host.name), ['mx1.example.jp'])
})

test('tries a host listed twice once, at its best priority', async () => {
  const result = await route('twice.example.jp')
  assert.equal(result.kind, 'hosts')
  assert.deepEqual(result.hosts.map((host) => [host.name, host.priority]), [['mx1.example.jp', 10]])
})

test(`looks up no more than ${MAX_MX_HOSTS} MX hosts, the lowest priorities`, async () => {
  const names = Array.from({ length: 50 }, (_, i) => `mx${i}.many.example.jp`)
  const manyZone: Zone = {
    'many.example.jp': { MX: names.map((name, i) => [i, name] as const) },
    ...Object.fromEntries(names.map((name) => [name, { A: ['127.0.0.40'] }])),
  }
  const dns = createZoneResolver(manyZone)
  const result = await resolveRoute('many.example.jp', { dns, random })
  assert.equal(result.kind, 'hosts')
  assert.deepEqual(result.hosts.map((host) => host.name), names.slice(0, MAX_MX_HOSTS))
  assert.equal(dns.calls.length, 1 + 2 * MAX_MX_HOSTS)
})

test('resolves a route end to end through the loopback DNS server', async (t) => {
  const server = await startDnsServer(zone, { servfail })
  t.after(() => server.close())
  const dns = createNodeResolver({ servers: [server.address], timeoutMs: 500, tries: 1 })
  const deps = { dns, random }
  assert.deepEqual(await resolveRoute('example.jp', deps), await route('example.jp'))
  assert.deepEqual(await resolveRoute('implicit.example.jp', deps), await route('implicit.example.jp'))
  const nullMx = await resolveRoute('null.example.jp', deps)
  assert.deepEqual([nullMx.kind, nullMx.kind === 'fail' && nullMx.reason], ['fail', 'notaccept'])
  const unknown = await resolveRoute('nowhere.example.jp', deps)
  assert.deepEqual([unknown.kind, unknown.kind === 'fail' && unknown.permanent], ['fail', true])
  const failing = await resolveRoute('servfail.example.jp', deps)
  assert.deepEqual([failing.kind, failing.kind === 'fail' && failing.permanent], ['fail', false])
})

test('routes every domain to a relay given as an IP address, without any DNS look-up', async () => {
  const dns = createZoneResolver({})
  assert.deepEqual(await resolveRelayRoute('127.0.0.9', dns), { kind: 'hosts', hosts: [{ name: '127.0.0.9', priority: 0, addresses: ['127.0.0.9'] }] })
})

test('routes to a relay given by name through its A/AAAA records, never its MX', async () => {
  const dns = createZoneResolver(zone, { servfail })
  // example.jp has MX records and no address: a relay name is a host, not a mail domain
  assert.equal((await resolveRelayRoute('example.jp', dns)).kind, 'fail')
  assert.deepEqual(await resolveRelayRoute('mx1.example.jp', dns), { kind: 'hosts', hosts: [{ name: 'mx1.example.jp', priority: 0, addresses: ['127.0.0.11', '::11'] }] })
})

test('fails temporarily when the relay host has no address, so the mail waits for the fix', async () => {
  const result = await resolveRelayRoute('gone.example.jp', createZoneResolver(zone, { servfail }))
  assert.equal(result.kind, 'fail')
  assert.equal(result.kind === 'fail' && result.permanent, false)
  assert.match(result.kind === 'fail' ? result.detail : '', /relay host gone\.example\.jp has no address/)
})
