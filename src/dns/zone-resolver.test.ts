import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DnsError, createZoneResolver, reverseName, txtCharacterStrings } from './index.ts'

const zone = {
  'Example.JP.': { MX: [[10, 'mx1.example.jp.']] as [number, string][], TXT: ['v=spf1 -all'], A: ['127.0.0.2'] },
  'mx1.example.jp': { A: ['127.0.0.3'], AAAA: ['::1'] },
  'alias.example.jp': { CNAME: 'mx1.example.jp' },
  'loop1.example.jp': { CNAME: 'loop2.example.jp' },
  'loop2.example.jp': { CNAME: 'loop1.example.jp' },
  [reverseName('127.0.0.3')]: { PTR: ['mx1.example.jp'] },
}

test('answers a known name and records the question', async () => {
  const dns = createZoneResolver(zone)
  assert.deepEqual(await dns.mx('example.jp'), [{ priority: 10, exchange: 'mx1.example.jp' }])
  assert.deepEqual(dns.calls, ['MX example.jp'])
})

test('matches names case-insensitively and ignores a trailing dot', async () => {
  const dns = createZoneResolver(zone)
  assert.deepEqual(await dns.a('EXAMPLE.jp.'), ['127.0.0.2'])
})

test('fails NXDOMAIN for a name not in the zone', async () => {
  const dns = createZoneResolver(zone)
  await assert.rejects(dns.a('nowhere.example.jp'), (error: unknown) => {
    assert.ok(error instanceof DnsError)
    assert.equal(error.code, 'DNS_NXDOMAIN')
    assert.equal(error.failure, 'NXDOMAIN')
    assert.equal(error.queryName, 'nowhere.example.jp')
    assert.equal(error.rrtype, 'A')
    assert.equal(error.message, 'looking up A of nowhere.example.jp: NXDOMAIN (the name does not exist)')
    return true
  })
})

test('fails NODATA for a known name without that type', async () => {
  const dns = createZoneResolver(zone)
  await assert.rejects(dns.mx('mx1.example.jp'), { code: 'DNS_NODATA' })
})

test('fails SERVFAIL for the names told to fail', async () => {
  const dns = createZoneResolver(zone, { servfail: ['Example.jp'] })
  await assert.rejects(dns.txt('example.jp'), { code: 'DNS_SERVFAIL' })
})

test('follows a CNAME to the target records', async () => {
  const dns = createZoneResolver(zone)
  assert.deepEqual(await dns.aaaa('alias.example.jp'), ['::1'])
})

test('fails SERVFAIL on a CNAME loop', async () => {
  const dns = createZoneResolver(zone)
  await assert.rejects(dns.a('loop1.example.jp'), { code: 'DNS_SERVFAIL' })
})

test('looks a PTR up under the reverse name of the address', async () => {
  const dns = createZoneResolver(zone)
  assert.deepEqual(await dns.ptr('127.0.0.3'), ['mx1.example.jp'])
  assert.deepEqual(dns.calls, ['PTR 127.0.0.3'])
})

test('splits a long TXT record into 255-byte character-strings', () => {
  const strings = txtCharacterStrings('x'.repeat(600))
  assert.deepEqual(strings.map((s) => s.length), [255, 255, 90])
})

test('builds IPv6 reverse names nibble by nibble', () => {
  assert.equal(reverseName('2001:db8::1'), `1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`)
  assert.equal(reverseName('::1').split('.').length, 34)
})
