import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { createManualClock, type TodokuError } from '../core/index.ts'
import { createZoneResolver, type Zone } from '../dns/index.ts'
import {
  createHttpsPolicyFetcher,
  createMtaStsPolicyCache,
  mustRequireValidTls,
  mxAllowedByPolicy,
  type MtaStsPolicy,
} from './index.ts'

const START_MS = Date.UTC(2025, 0, 1)
const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.example.jp\r\nmx: *.mx.example.jp\r\nmax_age: 86400\r\n'

function policy(mode: MtaStsPolicy['mode'], mx: string[]): MtaStsPolicy {
  return { domain: 'example.jp', id: '1', mode, mx, maxAgeSeconds: 86400, fetchedAtMs: 0, expiresAtMs: 86_400_000 }
}

function stsZone(id: string): Zone {
  return { '_mta-sts.example.jp': { TXT: [`v=STSv1; id=${id};`, 'unrelated'] } }
}

/** a cache over a zone and a fetcher that serves `texts` in turn (a thrown Error when the entry is one) */
function setUp(zone: Zone, texts: (string | Error)[], options: { servfail?: string[]; maxEntries?: number } = {}) {
  const clock = createManualClock(START_MS)
  let dns = createZoneResolver(zone, { servfail: options.servfail })
  const fetched: string[] = []
  const errors: TodokuError[] = []
  const cache = createMtaStsPolicyCache({
    dns: { txt: (name) => dns.txt(name), mx: (n) => dns.mx(n), a: (n) => dns.a(n), aaaa: (n) => dns.aaaa(n), ptr: (n) => dns.ptr(n) },
    clock,
    maxEntries: options.maxEntries,
    onError: (error) => errors.push(error),
    fetchPolicy: async (domain) => {
      fetched.push(domain)
      const text = texts[Math.min(fetched.length - 1, texts.length - 1)]
      if (text instanceof Error) throw text
      return text
    },
  })
  return {
    cache,
    clock,
    fetched,
    errors,
    txtCalls: () => dns.calls.length,
    setZone: (next: Zone, servfail?: string[]) => (dns = createZoneResolver(next, { servfail })),
  }
}

test('allows an MX host listed by name, case-insensitively and without its trailing dot', () => {
  assert.equal(mxAllowedByPolicy(policy('enforce', ['mx1.example.jp']), 'MX1.Example.JP.'), true)
  assert.equal(mxAllowedByPolicy(policy('enforce', ['mx1.example.jp']), 'mx2.example.jp'), false)
})

test('matches a wildcard pattern against exactly one left-most label (RFC 8461 §4.1)', () => {
  const wildcard = policy('enforce', ['*.example.jp'])
  assert.equal(mxAllowedByPolicy(wildcard, 'mx1.example.jp'), true)
  assert.equal(mxAllowedByPolicy(wildcard, 'example.jp'), false)
  assert.equal(mxAllowedByPolicy(wildcard, 'a.mx1.example.jp'), false)
  assert.equal(mxAllowedByPolicy(wildcard, 'mx1.badexample.jp'), false)
})

test('allows every MX host under mode none, and checks them under testing', () => {
  assert.equal(mxAllowedByPolicy(policy('none', []), 'anything.example.net'), true)
  assert.equal(mxAllowedByPolicy(policy('testing', ['mx1.example.jp']), 'other.example.net'), false)
})

test('requires valid TLS only in enforce mode', () => {
  assert.equal(mustRequireValidTls(policy('enforce', ['mx1.example.jp'])), true)
  assert.equal(mustRequireValidTls(policy('testing', ['mx1.example.jp'])), false)
  assert.equal(mustRequireValidTls(undefined), false)
})

test('finds no policy for a domain without an _mta-sts record, and fetches nothing', async () => {
  const { cache, fetched } = setUp({ 'example.jp': { A: ['127.0.0.1'] } }, [POLICY])
  assert.equal(await cache.policyFor('example.jp'), undefined)
  assert.deepEqual(fetched, [])
})

test('fetches and parses the policy named by the TXT record', async () => {
  const { cache } = setUp(stsZone('20250101'), [POLICY])
  assert.deepEqual(await cache.policyFor('Example.JP'), {
    domain: 'example.jp',
    id: '20250101',
    mode: 'enforce',
    mx: ['mx1.example.jp', '*.mx.example.jp'],
    maxAgeSeconds: 86400,
    fetchedAtMs: START_MS,
    expiresAtMs: START_MS + 86_400_000,
  })
})

test('answers from the cache without DNS or HTTPS until the TXT recheck is due', async () => {
  const { cache, fetched, txtCalls } = setUp(stsZone('1'), [POLICY])
  await cache.policyFor('example.jp')
  await cache.policyFor('example.jp')
  assert.deepEqual([txtCalls(), fetched.length], [1, 1])
})

test('shares one look-up between concurrent calls for a domain', async () => {
  const { cache, fetched, txtCalls } = setUp(stsZone('1'), [POLICY])
  const [a, b] = await Promise.all([cache.policyFor('example.jp'), cache.policyFor('example.jp')])
  assert.equal(a, b)
  assert.deepEqual([txtCalls(), fetched.length], [1, 1])
})

test('keeps the cached policy when the TXT id is unchanged at recheck', async () => {
  const { cache, clock, fetched, txtCalls } = setUp(stsZone('1'), [POLICY])
  const first = await cache.policyFor('example.jp')
  clock.advance(10 * 60_000)
  assert.equal(await cache.policyFor('example.jp'), first)
  assert.deepEqual([txtCalls(), fetched.length], [2, 1])
})

test('fetches the policy again when the TXT id changes', async () => {
  const { cache, clock, fetched, setZone } = setUp(stsZone('1'), [POLICY, POLICY.replace('enforce', 'testing')])
  await cache.policyFor('example.jp')
  setZone(stsZone('2'))
  clock.advance(10 * 60_000)
  const next = await cache.policyFor('example.jp')
  assert.deepEqual([next?.id, next?.mode, fetched.length], ['2', 'testing', 2])
})

test('fetches the policy again once its max_age has run out', async () => {
  const { cache, clock, fetched } = setUp(stsZone('1'), [POLICY.replace('86400', '60'), POLICY])
  await cache.policyFor('example.jp')
  clock.advance(61_000)
  const next = await cache.policyFor('example.jp')
  assert.deepEqual([next?.maxAgeSeconds, fetched.length], [86400, 2])
})

test('keeps applying the cached policy when a new one cannot be fetched (RFC 8461 §5.1)', async () => {
  const { cache, clock, errors, setZone } = setUp(stsZone('1'), [POLICY, new Error('connection refused')])
  const first = await cache.policyFor('example.jp')
  setZone(stsZone('2'))
  clock.advance(10 * 60_000)
  assert.equal(await cache.policyFor('example.jp'), first)
  assert.equal(errors[0]?.code, 'MTA_STS_FETCH_FAILED')
  assert.match(errors[0]?.message ?? '', /^fetching the MTA-STS policy of example\.jp \(id 2\): connection refused/)
})

test('keeps applying the cached policy while DNS fails or the record is gone', async () => {
  const { cache, clock, setZone } = setUp(stsZone('1'), [POLICY])
  const first = await cache.policyFor('example.jp')
  setZone(stsZone('1'), ['_mta-sts.example.jp'])
  clock.advance(10 * 60_000)
  assert.equal(await cache.policyFor('example.jp'), first)
  setZone({})
  clock.advance(10 * 60_000)
  assert.equal(await cache.policyFor('example.jp'), first)
})

test('delivers as if there were no policy when the first fetch fails', async () => {
  const { cache, errors } = setUp(stsZone('1'), [new Error('certificate has expired')])
  assert.equal(await cache.policyFor('example.jp'), undefined)
  assert.equal(errors.length, 1)
})

test('treats an invalid policy text as a failed fetch', async () => {
  const { cache, errors } = setUp(stsZone('1'), ['version: STSv1\nmode: enforce\nmax_age: 86400\n'])
  assert.equal(await cache.policyFor('example.jp'), undefined)
  assert.match(errors[0]?.message ?? '', /Missing mx field/)
})

test('finds no policy when two v=STSv1 records are published (RFC 8461 §3.1)', async () => {
  const { cache, fetched } = setUp({ '_mta-sts.example.jp': { TXT: ['v=STSv1; id=1;', 'v=STSv1; id=2;'] } }, [POLICY])
  assert.equal(await cache.policyFor('example.jp'), undefined)
  assert.deepEqual(fetched, [])
})

test('forgets the least recently used domain beyond maxEntries', async () => {
  const zone: Zone = { ...stsZone('1'), '_mta-sts.example.net': { TXT: ['v=STSv1; id=1;'] }, '_mta-sts.example.org': { TXT: ['v=STSv1; id=1;'] } }
  const { cache, fetched } = setUp(zone, [POLICY], { maxEntries: 2 })
  await cache.policyFor('example.jp')
  await cache.policyFor('example.net')
  await cache.policyFor('example.jp')
  await cache.policyFor('example.org')
  assert.equal(cache.size, 2)
  await cache.policyFor('example.jp')
  await cache.policyFor('example.net')
  assert.deepEqual(fetched, ['example.jp', 'example.net', 'example.org', 'example.net'])
})

/** a self-signed certificate for mta-sts.example.jp, made with openssl for this run */
function makeCertificate(t: TestContext): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-mta-sts-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=mta-sts.example.jp', '-addext', 'subjectAltName=DNS:mta-sts.example.jp',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
}

async function servePolicies(t: TestContext, credentials: { key: Buffer; cert: Buffer }): Promise<number> {
  const server: Server = createServer(credentials, (req, res) => {
    if (req.headers.host !== 'mta-sts.example.jp' || req.url !== '/.well-known/mta-sts.txt') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return (server.address() as { port: number }).port
}

test('fetches a policy over HTTPS from the address DNS gives, checking the certificate', async (t) => {
  const credentials = makeCertificate(t)
  if (credentials === undefined) return t.skip('openssl is not installed: no certificate to serve with')
  const port = await servePolicies(t, credentials)
  const dns = createZoneResolver({ ...stsZone('1'), 'mta-sts.example.jp': { A: ['127.0.0.1'] }, 'mta-sts.other.jp': { A: ['127.0.0.1'] } })
  const fetchPolicy = createHttpsPolicyFetcher({ dns, port, ca: credentials.cert, timeoutMs: 2000 })
  const cache = createMtaStsPolicyCache({ dns, fetchPolicy, clock: createManualClock(START_MS) })
  assert.equal((await cache.policyFor('example.jp'))?.mode, 'enforce')
  // the certificate names mta-sts.example.jp only
  await assert.rejects(fetchPolicy('other.jp'), { code: 'MTA_STS_FETCH_FAILED', message: /mta-sts\.other\.jp/ })
  // without the test CA, the self-signed certificate is not trusted
  const untrusting = createHttpsPolicyFetcher({ dns, port, timeoutMs: 2000 })
  await assert.rejects(untrusting('example.jp'), { code: 'MTA_STS_FETCH_FAILED', message: /self-signed/ })
})

test('refuses a redirect, a non-200 and a policy that is not text/plain', async (t) => {
  const credentials = makeCertificate(t)
  if (credentials === undefined) return t.skip('openssl is not installed: no certificate to serve with')
  const answers = [
    { status: 301, headers: { location: 'https://example.net/', 'content-type': 'text/plain' }, expected: /HTTP 301; expected 200/ },
    { status: 404, headers: { 'content-type': 'text/plain' }, expected: /HTTP 404/ },
    { status: 200, headers: { 'content-type': 'text/html' }, expected: /Content-Type "text\/html"; expected text\/plain/ },
  ]
  let next = 0
  const server: Server = createServer(credentials, (_req, res) => {
    const answer = answers[next++]
    res.writeHead(answer.status, answer.headers).end(POLICY)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as { port: number }).port
  const dns = createZoneResolver({ 'mta-sts.example.jp': { A: ['127.0.0.1'] } })
  const fetchPolicy = createHttpsPolicyFetcher({ dns, port, ca: credentials.cert, timeoutMs: 2000 })
  for (const answer of answers) await assert.rejects(fetchPolicy('example.jp'), { message: answer.expected })
})
