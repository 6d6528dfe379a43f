import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOfReverseName, dnsblQueryName, evaluateDnsbl, isAligned, loadDnsblLists, organizationalDomain, parseDmarcRecord, parseSpfRecord, summarizeSpfTree } from './index.ts'

const lists = loadDnsblLists()
const surbl = lists.domain.find((list) => list.zone === 'multi.surbl.org')!
const zen = lists.ip.find((list) => list.zone === 'zen.spamhaus.org')!

test('asks blocklists for reversed IPv4 octets, IPv6 nibbles, and domains as they are (RFC 5782)', () => {
  assert.equal(dnsblQueryName('192.0.2.99', 'zen.spamhaus.org'), '99.2.0.192.zen.spamhaus.org')
  assert.equal(dnsblQueryName('2001:db8::1', 'zen.spamhaus.org'), `1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.zen.spamhaus.org`)
  assert.equal(dnsblQueryName('Example.COM', 'dbl.spamhaus.org'), 'example.com.dbl.spamhaus.org')
})

test('reads a SURBL bitmask answer as every list whose bit is set', () => {
  const result = evaluateDnsbl(['127.0.0.24'], surbl, 'example.com')
  assert.equal(result.status, 'fail')
  assert.match(result.summary, /PH: phishing.*MW: malware/)
})

test('never reads 127.0.0.1 or an answer outside 127/8 as a listing', () => {
  assert.equal(evaluateDnsbl(['127.0.0.1'], zen, '192.0.2.1').status, 'error')
  assert.equal(evaluateDnsbl(['198.51.100.7'], zen, '192.0.2.1').status, 'error')
  assert.equal(evaluateDnsbl('NXDOMAIN', zen, '192.0.2.1').status, 'pass')
  assert.equal(evaluateDnsbl('TIMEOUT', zen, '192.0.2.1').status, 'error')
})

test('aligns relaxed on the organizational domain from the public suffix list, strict only on the same name', () => {
  assert.equal(organizationalDomain('mail.example.co.jp'), 'example.co.jp')
  assert.equal(isAligned('example.co.jp', 'bounce.example.co.jp', 'r'), true)
  assert.equal(isAligned('example.co.jp', 'bounce.example.co.jp', 's'), false)
  assert.equal(isAligned('a.co.jp', 'b.co.jp', 'r'), false)
})

test('refuses DMARC records without v=DMARC1 first or with an unknown policy', () => {
  assert.equal(typeof parseDmarcRecord('p=none; v=DMARC1'), 'string')
  assert.equal(typeof parseDmarcRecord('v=DMARC1; p=monitor'), 'string')
  const record = parseDmarcRecord('v=DMARC1; p=quarantine; aspf=s; rua=mailto:a@x.test,mailto:b@y.test')
  assert.ok(typeof record !== 'string')
  assert.deepEqual([record.p, record.aspf, record.adkim, record.rua.length], ['quarantine', 's', 'r', 2])
})

test('lists SPF syntax problems and counts look-ups across the include tree', () => {
  assert.deepEqual(parseSpfRecord('v=spf1 ip4:192.0.2.300 foo:bar -all').problems.length, 2)
  const leaf = { domain: 'c.test', syntaxProblems: [], lookups: 6, children: [] }
  const tree = { domain: 'a.test', record: 'v=spf1 …', syntaxProblems: [], lookups: 5, children: [leaf, { domain: 'gone.test', failure: 'NXDOMAIN' as const, syntaxProblems: [], lookups: 0, children: [] }] }
  assert.deepEqual(summarizeSpfTree(tree), { lookups: 11, voidLookups: 1, problems: [] })
})

test('turns reverse names back into addresses', () => {
  assert.equal(addressOfReverseName('2.0.0.127.in-addr.arpa'), '127.0.0.2')
  assert.equal(addressOfReverseName(`1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`), '2001:db8:0:0:0:0:0:1')
  assert.equal(addressOfReverseName('example.com'), undefined)
})
