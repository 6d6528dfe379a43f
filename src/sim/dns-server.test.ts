import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DnsError, createNodeResolver, createZoneResolver, reverseName, type Resolver, type Zone } from '../dns/index.ts'
import { startDnsServer } from './index.ts'

const LONG_TXT = `v=DKIM1; k=rsa; p=${'A'.repeat(700)}`

const zone: Zone = {
  'example.jp': { MX: [[10, 'mx1.example.jp'], [20, 'mx2.example.jp']], TXT: ['v=spf1 -all'], A: ['127.0.0.2'] },
  'mx1.example.jp': { A: ['127.0.0.3', '127.0.0.4'], AAAA: ['::1'] },
  'null.example.jp': { MX: [[0, '.']] },
  'alias.example.jp': { CNAME: 'mx1.example.jp' },
  'long._domainkey.example.jp': { TXT: [LONG_TXT] },
  'split.example.jp': { TXT: [['v=spf1 ', 'include:a.example.jp -all']] },
  [reverseName('127.0.0.3')]: { PTR: ['mx1.example.jp.'] },
  'broken.example.jp': { A: ['127.0.0.9'] },
}
const servfail = ['broken.example.jp']

type Case = readonly [string, (dns: Resolver) => Promise<unknown>, unknown]

/** one conformance table: every Resolver answers it the same way */
const cases: readonly Case[] = [
  ['MX records with priorities', (dns) => dns.mx('example.jp'), [{ exchange: 'mx1.example.jp', priority: 10 }, { exchange: 'mx2.example.jp', priority: 20 }]],
  ['a null MX as an empty exchange', (dns) => dns.mx('null.example.jp'), [{ exchange: '', priority: 0 }]],
  ['A records', (dns) => dns.a('mx1.example.jp'), ['127.0.0.3', '127.0.0.4']],
  ['AAAA records', (dns) => dns.aaaa('MX1.example.jp.'), ['::1']],
  ['TXT records as character-strings', (dns) => dns.txt('split.example.jp'), [['v=spf1 ', 'include:a.example.jp -all']]],
  ['a TXT record over 512 bytes', (dns) => dns.txt('long._domainkey.example.jp').then((r) => r.map((s) => s.join(''))), [LONG_TXT]],
  ['a PTR record', (dns) => dns.ptr('127.0.0.3'), ['mx1.example.jp']],
  ['a CNAME followed', (dns) => dns.a('alias.example.jp'), ['127.0.0.3', '127.0.0.4']],
  ['NXDOMAIN for an unknown name', (dns) => dns.mx('nowhere.example.jp'), 'NXDOMAIN'],
  ['NODATA for a known name without the type', (dns) => dns.mx('mx1.example.jp'), 'NODATA'],
  ['NODATA for AAAA of a name with only A', (dns) => dns.aaaa('example.jp'), 'NODATA'],
  ['SERVFAIL for a failing name', (dns) => dns.a('broken.example.jp'), 'SERVFAIL'],
]

async function outcome(lookUp: Promise<unknown>): Promise<unknown> {
  try {
    return await lookUp
  } catch (error) {
    if (error instanceof DnsError) return error.failure
    throw error
  }
}

test('the zone resolver and node:dns over the loopback server give the same answers', async (t) => {
  const server = await startDnsServer(zone, { servfail })
  t.after(() => server.close())
  const implementations: Record<string, Resolver> = {
    zone: createZoneResolver(zone, { servfail }),
    node: createNodeResolver({ servers: [server.address], timeoutMs: 500, tries: 1 }),
  }
  for (const [implementation, dns] of Object.entries(implementations)) {
    for (const [what, lookUp, expected] of cases) {
      assert.deepEqual(await outcome(lookUp(dns)), expected, `${implementation}: ${what}`)
    }
  }
})

test('listens on 127.0.0.1 on an ephemeral port', async (t) => {
  const server = await startDnsServer(zone)
  t.after(() => server.close())
  assert.match(server.address, /^127\.0\.0\.1:\d+$/)
  assert.notEqual(server.port, 0)
})

test('answers from the new zone after setZone', async (t) => {
  const server = await startDnsServer(zone)
  t.after(() => server.close())
  const dns = createNodeResolver({ servers: [server.address], timeoutMs: 500, tries: 1 })
  assert.deepEqual(await dns.a('example.jp'), ['127.0.0.2'])
  server.setZone({ 'example.jp': { A: ['127.0.0.7'] } })
  assert.deepEqual(await dns.a('example.jp'), ['127.0.0.7'])
})

test('node:dns reports a server that does not answer as TIMEOUT, a temporary failure', async (t) => {
  const server = await startDnsServer(zone)
  const address = server.address
  await server.close()
  const dns = createNodeResolver({ servers: [address], timeoutMs: 100, tries: 1 })
  await assert.rejects(dns.a('example.jp'), (error: unknown) => {
    assert.ok(error instanceof DnsError)
    assert.equal(error.failure, 'TIMEOUT')
    assert.match(error.message, /^looking up A of example\.jp: TIMEOUT/)
    return true
  })
})

test('node:dns names the server and the c-ares code in its message', async (t) => {
  const server = await startDnsServer(zone)
  t.after(() => server.close())
  const dns = createNodeResolver({ servers: [server.address], timeoutMs: 500, tries: 1 })
  await assert.rejects(dns.mx('nowhere.example.jp'), {
    message: `looking up MX of nowhere.example.jp: NXDOMAIN (the name does not exist): ENOTFOUND from ${server.address}`,
  })
})

test('refuses invalid resolver options', () => {
  assert.throws(() => createNodeResolver({ timeoutMs: 0 }), { code: 'DNS_OPTIONS_INVALID' })
  assert.throws(() => createNodeResolver({ servers: ['not an address'] }), { code: 'DNS_OPTIONS_INVALID' })
})
