// The domain doctor end to end: runDomainChecks over a real DNS client asking the loopback DNS
// server (src/sim), with a matrix of correct and broken zones; each broken zone gives the right
// verdict and fix. Blocklist zones are made up on the loopback server: no real list is asked.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { buildApi } from '../src/api/index.ts'
import { createInjector } from '../src/injection/index.ts'
import { loadDnsblLists, runDomainChecks, startDomainDoctor, startDomainMonitor, type CheckResult, type DomainCheckChange, type DomainCheckTarget, type DomainReport, type ListingChange } from '../src/checks/index.ts'
import { createManualClock, createSeededRandom } from '../src/core/index.ts'
import { createIpHolds, holdListedIps } from '../src/delivery/index.ts'
import { generateDkimKeys } from '../src/dkim/index.ts'
import { createNodeResolver, reverseName, type Zone } from '../src/dns/index.ts'
import { silentLog } from '../src/log/index.ts'
import { startDnsServer } from '../src/sim/index.ts'
import { openSqliteStore } from '../src/store/index.ts'

const IP = '192.0.2.10'
const EHLO = 'mta1.todoku.test'
const keys = await generateDkimKeys('example.test')
const strangerKeys = await generateDkimKeys('stranger.test')
const blocklists = loadDnsblLists()

const target: DomainCheckTarget = {
  domain: 'example.test',
  bounceDomain: 'bounce.example.test',
  dkimKeys: [keys.rsa, keys.ed25519].map((key) => ({ selector: key.selector, algorithm: key.algorithm, privateKeyPem: key.privateKeyPem, state: 'active' as const })),
  egress: [{ address: IP, ehloName: EHLO }],
  mxHost: 'in.todoku.test',
}

/** A zone where everything is as todoku asks; each case breaks one thing. */
function goodZone(): Record<string, Zone[string]> {
  return {
    'example.test': { MX: [[10, 'mail.example.test']], A: ['192.0.2.80'] },
    'mail.example.test': { A: ['192.0.2.25'] },
    'bounce.example.test': { MX: [[10, 'in.todoku.test']], TXT: [`v=spf1 ip4:${IP} -all`] },
    'in.todoku.test': { A: ['192.0.2.26'] },
    [`${keys.rsa.selector}._domainkey.example.test`]: { TXT: [keys.rsa.publicKeyDnsRecord] },
    [`${keys.ed25519.selector}._domainkey.example.test`]: { TXT: [keys.ed25519.publicKeyDnsRecord] },
    '_dmarc.example.test': { TXT: ['v=DMARC1; p=none; rua=mailto:dmarc@bounce.example.test'] },
    [reverseName(IP)]: { PTR: [EHLO] },
    [EHLO]: { A: [IP] },
    '_mta-sts.bounce.example.test': { TXT: ['v=STSv1; id=20251101'] },
    '_smtp._tls.bounce.example.test': { TXT: ['v=TLSRPTv1; rua=mailto:dmarc@bounce.example.test'] },
  }
}

const byId = (report: DomainReport, id: string): CheckResult => {
  const check = report.checks.find((c) => c.id === id)
  assert.ok(check, `no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`)
  return check
}

async function setUp(t: import('node:test').TestContext) {
  const server = await startDnsServer(goodZone())
  t.after(() => server.close())
  const dns = createNodeResolver({ servers: [server.address], timeoutMs: 1000, tries: 1 })
  const clock = createManualClock(Date.UTC(2025, 10, 1))
  const check = (zone: Record<string, Zone[string]>) => {
    server.setZone(zone)
    return runDomainChecks(target, { dns, clock, blocklists })
  }
  return { server, dns, clock, check }
}

test('a correctly published domain fails no check, and meets the Gmail, Yahoo and Outlook.com rules', async (t) => {
  const { check } = await setUp(t)
  const report = await check(goodZone())
  const failing = report.checks.filter((c) => c.status === 'fail' || c.status === 'error')
  assert.deepEqual(failing.map((c) => `${c.id}: ${c.summary}`), [])
  assert.equal(byId(report, `spf.authorized:${IP}`).status, 'pass')
  assert.equal(byId(report, `dkim.key:${keys.rsa.selector}`).status, 'pass')
  assert.equal(byId(report, `dkim.length:${keys.rsa.selector}`).status, 'pass')
  assert.equal(byId(report, 'dmarc.align.spf').status, 'pass')
  assert.equal(byId(report, `ptr:${IP}`).status, 'pass')
  assert.equal(byId(report, `dnsbl.ip:zen.spamhaus.org:${IP}`).status, 'pass')
  for (const provider of ['gmail', 'yahoo', 'outlook']) assert.equal(byId(report, `bulk.${provider}:alignment`).status, 'pass')
  assert.equal(byId(report, 'bulk.gmail:one-click-unsubscribe').status, 'info')
})

test('an SPF record without todoku fails for the egress IP, with the ip4: term to add', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  zone['bounce.example.test'] = { ...zone['bounce.example.test'], TXT: ['v=spf1 include:_spf.other.test -all'] }
  zone['_spf.other.test'] = { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] }
  const report = await check(zone)
  const spf = byId(report, `spf.authorized:${IP}`)
  assert.equal(spf.status, 'fail')
  assert.match(spf.fix?.en ?? '', new RegExp(`ip4:${IP}`))
  assert.match(spf.fix?.ja ?? '', /追加してください/)
  assert.equal(report.status, 'fail')
  assert.equal(byId(report, 'bulk.gmail:spf').status, 'fail')
})

test('an SPF record needing 11 DNS look-ups fails the look-up limit (permerror)', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  const hosts = Array.from({ length: 11 }, (_, i) => `h${i}.example.test`)
  zone['bounce.example.test'] = { ...zone['bounce.example.test'], TXT: [`v=spf1 ${hosts.map((h) => `a:${h}`).join(' ')} ip4:${IP} -all`] }
  for (const host of hosts) zone[host] = { A: ['198.51.100.1'] }
  const report = await check(zone)
  const lookups = byId(report, 'spf.lookups')
  assert.equal(lookups.status, 'fail')
  assert.equal(lookups.evidence.lookups, 11)
  assert.match(lookups.fix?.en ?? '', /at most 10/)
  assert.equal(byId(report, `spf.authorized:${IP}`).evidence.result, 'permerror')
})

test('a DKIM record with another key fails, and the fix is the record to publish', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  zone[`${keys.rsa.selector}._domainkey.example.test`] = { TXT: [strangerKeys.rsa.publicKeyDnsRecord] }
  const report = await check(zone)
  const dkim = byId(report, `dkim.key:${keys.rsa.selector}`)
  assert.equal(dkim.status, 'fail')
  assert.match(dkim.summary, /different key/)
  assert.ok(dkim.fix?.en.includes(keys.rsa.publicKeyDnsRecord))
  // the Ed25519 key still verifies, so the providers' DKIM rule still holds
  assert.equal(byId(report, `dkim.key:${keys.ed25519.selector}`).status, 'pass')
})

test('a domain without DMARC fails, with the p=none record pointing rua at todoku', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  delete zone['_dmarc.example.test']
  const report = await check(zone)
  const dmarc = byId(report, 'dmarc.record')
  assert.equal(dmarc.status, 'fail')
  assert.match(dmarc.fix?.en ?? '', /_dmarc\.example\.test: v=DMARC1; p=none; rua=mailto:dmarc@bounce\.example\.test/)
  assert.equal(byId(report, 'bulk.yahoo:dmarc').status, 'fail')
})

test('a PTR that does not resolve back to the IP fails forward-confirmed reverse DNS', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  zone[reverseName(IP)] = { PTR: ['static-10.isp.test'] }
  zone['static-10.isp.test'] = { A: ['203.0.113.99'] }
  const report = await check(zone)
  assert.equal(byId(report, `ptr:${IP}`).status, 'fail')
  assert.equal(byId(report, `ptr.ehlo:${IP}`).status, 'warn')
  assert.equal(byId(report, 'bulk.gmail:ptr').status, 'fail')
  assert.equal(byId(report, 'bulk.outlook:spf').status, 'pass')
})

test('an egress IP on Spamhaus ZEN is listed, with the SBL meaning and the delisting fix', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  zone['10.2.0.192.zen.spamhaus.org'] = { A: ['127.0.0.2'] }
  const report = await check(zone)
  const listing = byId(report, `dnsbl.ip:zen.spamhaus.org:${IP}`)
  assert.equal(listing.status, 'fail')
  assert.match(listing.summary, /LISTED on Spamhaus ZEN: 127\.0\.0\.2 SBL/)
  assert.match(listing.fix?.en ?? '', /request delisting/)
  assert.equal(byId(report, `dnsbl.ip:bl.spamcop.net:${IP}`).status, 'pass')
})

test('a Spamhaus answer of 127.255.255.254 is an error of the query, never a listing', async (t) => {
  const { check } = await setUp(t)
  const zone = goodZone()
  zone['10.2.0.192.zen.spamhaus.org'] = { A: ['127.255.255.254'] }
  zone['example.test.dbl.spamhaus.org'] = { A: ['127.255.255.254'] }
  const report = await check(zone)
  const ip = byId(report, `dnsbl.ip:zen.spamhaus.org:${IP}`)
  assert.equal(ip.status, 'error')
  assert.match(ip.summary, /not a listing.*public or open resolver/)
  assert.equal(byId(report, 'dnsbl.domain:dbl.spamhaus.org:example.test').status, 'error')
  assert.equal(report.status, 'error')
})

test('the monitor tells when a DKIM key is removed and when an IP becomes listed, records each as a check_changed event and holds the listed IP', async (t) => {
  const { server, dns, clock } = await setUp(t)
  const store = await openSqliteStore({ path: ':memory:', clock, random: createSeededRandom(1) })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.test', tenantId: 't', bounceDomain: 'bounce.example.test', requireTls: false, dkimKeys: target.dkimKeys.map(({ state: _, ...key }) => key) })
  const changes: DomainCheckChange[] = []
  const listings: ListingChange[] = []
  const holds = createIpHolds({ clock })
  const holdListing = holdListedIps(holds)
  const monitor = startDomainMonitor({
    store, dns, clock, log: silentLog, intervalMs: 3_600_000, blocklists,
    targetOf: () => target,
    onChange: (change) => changes.push(change),
    onListing: (change) => {
      listings.push(change)
      holdListing(change)
    },
  })
  t.after(() => monitor.stop())
  await monitor.runOnce()
  assert.deepEqual(changes.filter((c) => c.to === 'fail'), [])
  const zone = goodZone()
  delete zone[`${keys.rsa.selector}._domainkey.example.test`]
  zone['10.2.0.192.zen.spamhaus.org'] = { A: ['127.0.0.4'] }
  server.setZone(zone)
  await monitor.runOnce()
  const failed = changes.filter((c) => c.from === 'pass' && c.to === 'fail').map((c) => c.checkId)
  assert.ok(failed.includes(`dkim.key:${keys.rsa.selector}`))
  assert.ok(failed.includes(`dnsbl.ip:zen.spamhaus.org:${IP}`))
  assert.deepEqual(listings.map((l) => [l.ip, l.zone, l.listed]), [[IP, 'zen.spamhaus.org', true]])
  assert.equal(holds.isHeld(IP), true)
  const events = (await store.listEvents({ tenantId: 't' })).events.filter((e) => e.type === 'check_changed')
  assert.deepEqual(events.filter((e) => e.data.to === 'fail' && e.data.from === 'pass').map((e) => e.data.checkId).sort(), [...failed].sort())
  const dkim = events.find((e) => e.data.checkId === `dkim.key:${keys.rsa.selector}`)
  assert.equal(dkim?.data.domain, 'example.test')
  assert.equal(typeof dkim?.data.summary, 'string')

  server.setZone(goodZone())
  await monitor.runOnce()
  assert.deepEqual(listings.map((l) => l.listed), [true, false])
  assert.equal(holds.isHeld(IP), false, 'delisted: released')
})

test('todoku domain check exits 1 on a failure and prints the fixes in Japanese', async (t) => {
  const { server } = await setUp(t)
  const dir = mkdtempSync(join(tmpdir(), 'todoku-check-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const store = await openSqliteStore({ path: join(dir, 'data'), clock: createManualClock(Date.UTC(2025, 10, 1)), random: createSeededRandom(1) })
  await store.putDomain({ name: 'example.test', tenantId: 't', bounceDomain: 'bounce.example.test', requireTls: false, dkimKeys: target.dkimKeys.map(({ state: _, ...key }) => key) })
  await store.close()
  const config = join(dir, 'todoku.toml')
  writeFileSync(config, `dataDir = "${join(dir, 'data')}"\n[dns]\nservers = ["${server.address}"]\ntimeoutMs = 1000\ntries = 1\n[[egress.sources]]\nname = "a"\naddress = "${IP}"\nehloName = "${EHLO}"\n[checks]\nmxHost = "in.todoku.test"\n`)
  const zone = goodZone()
  delete zone['_dmarc.example.test']
  server.setZone(zone)
  const run = promisify(execFile)
  const cli = new URL('../src/cli/main.ts', import.meta.url).pathname
  const result = await run(process.execPath, [cli, 'domain', 'check', 'example.test', '-c', config, '--lang', 'ja']).then(() => ({ code: 0, stdout: '' }), (error: { code: number; stdout: string }) => error)
  assert.equal(result.code, 1)
  assert.match(result.stdout, /不合格\s+dmarc\.record/)
  assert.match(result.stdout, /対処: TXT レコード _dmarc\.example\.test を公開してください/)
})

test('GET /v1/domains/:domain/check answers the report for the key\'s own domain, 404 for another tenant\'s, 403 without domains:read', async (t) => {
  const { server, dns, clock } = await setUp(t)
  const random = createSeededRandom(2)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.test', tenantId: 'tenant-a', bounceDomain: 'bounce.example.test', requireTls: false, dkimKeys: target.dkimKeys.map(({ state: _, ...key }) => key) })
  const doctor = startDomainDoctor({ store, dns, clock, log: silentLog, intervalMs: 3_600_000, egress: target.egress, mxHost: 'in.todoku.test', tls: 'opportunistic' })
  t.after(() => doctor.stop())
  const app = buildApi({ store, injector: createInjector({ store, clock, random }), log: { info: () => {}, error: () => {} }, checkDomain: doctor.checkDomain })
  t.after(() => app.close())
  const own = await store.createApiKey({ tenantId: 'tenant-a', name: 'ops', scopes: ['domains:read'] })
  const other = await store.createApiKey({ tenantId: 'tenant-b', name: 'b', scopes: ['domains:read'] })
  const sender = await store.createApiKey({ tenantId: 'tenant-a', name: 'send', scopes: ['messages:send'] })
  const zone = goodZone()
  delete zone['_dmarc.example.test']
  server.setZone(zone)
  const got = await app.inject({ method: 'GET', url: '/v1/domains/example.test/check', headers: { authorization: `Bearer ${own.token}` } })
  assert.equal(got.statusCode, 200)
  const report = got.json() as DomainReport
  assert.equal(report.status, 'fail')
  assert.equal(report.checks.find((c) => c.id === 'dmarc.record')?.fix?.ja.includes('_dmarc.example.test'), true)
  assert.equal((await app.inject({ method: 'GET', url: '/v1/domains/example.test/check', headers: { authorization: `Bearer ${other.token}` } })).statusCode, 404)
  assert.equal((await app.inject({ method: 'GET', url: '/v1/domains/example.test/check', headers: { authorization: `Bearer ${sender.token}` } })).statusCode, 403)
})
