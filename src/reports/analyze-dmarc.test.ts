import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createZoneResolver, reverseName } from '../dns/index.ts'
import { openSqliteStore } from '../store/index.ts'
import {
  analyzeDmarc, createPtrCache, formatDmarcAnalysis, ingestDmarcReport, loadReportSenders, runDmarcReport, type AnalysisRow,
} from './index.ts'

const FIXTURE = new URL('../../test/fixtures/reports/rfc7489.xml', import.meta.url)

const zone = {
  'shop.example': { TXT: ['v=spf1 ip4:192.0.2.10 include:_spf.esp.example -all'] },
  '_spf.esp.example': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
  [reverseName('192.0.2.10')]: { PTR: ['mta1.shop.example.'] },
  [reverseName('198.51.100.20')]: { PTR: ['o1.ptr1234.sendgrid.net.'] },
  [reverseName('203.0.113.30')]: { PTR: ['mail.lists.example.'] },
}

test('classifies each source of a report: own egress, SPF-authorized third party (named by PTR), forwarder, likely spoofing', async (t) => {
  const clock = createManualClock(1_750_100_000_000)
  const store = await openSqliteStore({ path: ':memory:', clock, random: createSeededRandom(1) })
  t.after(() => store.close())
  await ingestDmarcReport(readFileSync(FIXTURE), { reports: store })
  const dns = createZoneResolver(zone)
  const analysis = await runDmarcReport({ domain: 'shop.example' }, {
    reports: store, dns, ptrCache: createPtrCache({ dns, clock }), egressIps: ['192.0.2.10'], senders: loadReportSenders(),
  })
  assert.deepEqual(analysis.sources.map((s) => [s.sourceIp, s.kind, s.provider ?? null, s.messages, s.dmarcPass]), [
    ['192.0.2.10', 'own', null, 940, 940],
    ['198.51.100.20', 'third-party', 'SendGrid', 50, 50],
    ['203.0.113.30', 'forwarder', null, 8, 8],
    ['2001:db8::66', 'unknown', null, 2, 0],
  ])
  assert.equal(analysis.sources[0].ptr, 'mta1.shop.example')
  assert.deepEqual(analysis.environments.map((e) => [e.name, e.kind, e.isFailing]), [
    ['todoku', 'own', false], ['SendGrid', 'third-party', false], ['lists.example', 'forwarder', false], ['2001:db8::66', 'unknown', true],
  ])
  assert.deepEqual(analysis.legitimate, { messages: 998, dmarcPass: 998, passRate: 1 })
  assert.deepEqual(analysis.enforcement, { verdict: 'move-to-quarantine', isSafeToQuarantine: true, isSafeToReject: false, failing: [] })
  assert.deepEqual(analysis.fixes.map((f) => [f.code, f.sourceIp, f.messages]), [['likely-spoofing', '2001:db8::66', 2]])
  assert.match(formatDmarcAnalysis(analysis), /safe to move to p=quarantine/)
  assert.match(formatDmarcAnalysis(analysis, 'ja'), /p=quarantine に移行できます/)
})

function row(sourceIp: string, count: number, fields: Partial<AnalysisRow> = {}): AnalysisRow {
  return {
    report: { id: 'r1', orgName: 'google.com', domain: 'shop.example', dateRange: { beginS: 1_750_000_000, endS: 1_750_086_399 }, policy: 'none' },
    sourceIp, count, disposition: 'none', dkim: 'pass', spf: 'pass', reasons: [], headerFrom: 'shop.example', dkimResults: [], spfResults: [],
    ...fields,
  }
}

test('a legitimate sender failing alignment blocks enforcement and says what to set up at the provider', () => {
  const rows = [
    row('192.0.2.10', 5000),
    row('198.51.100.20', 400, {
      dkim: 'fail', spf: 'fail',
      dkimResults: [{ domain: 'sendgrid.info', result: 'pass' }], spfResults: [{ domain: 'em123.sendgrid.net', result: 'pass' }], envelopeFrom: 'em123.sendgrid.net',
    }),
  ]
  const facts = new Map([
    ['192.0.2.10', { isOwnEgress: true }],
    ['198.51.100.20', { isOwnEgress: false, isSpfAuthorized: true, ptr: 'o1.sendgrid.net', provider: { name: 'SendGrid', spfInclude: 'sendgrid.net' } }],
  ])
  const analysis = analyzeDmarc(rows, facts, { domain: 'shop.example' })
  assert.equal(analysis.enforcement.verdict, 'fix-first')
  assert.deepEqual(analysis.enforcement.failing, ['SendGrid'])
  assert.deepEqual(analysis.fixes.map((f) => [f.code, f.seenDomain]), [['third-party-dkim-unaligned', 'sendgrid.info'], ['third-party-return-path-unaligned', 'em123.sendgrid.net']])
  const text = formatDmarcAnalysis(analysis)
  assert.match(text, /SendGrid: 400 messages fail DMARC: it signs with d=sendgrid\.info, not shop\.example/)
  assert.match(text, /not yet safe to enforce: 92\.6% of legitimate mail passes DMARC; failing: SendGrid/)
})

test('a known provider the SPF does not authorize is named, with the include that would', () => {
  const analysis = analyzeDmarc([row('209.85.220.41', 30, { dkim: 'fail', spf: 'fail' })], new Map([
    ['209.85.220.41', { isOwnEgress: false, isSpfAuthorized: false, ptr: 'mail-sor-f41.google.com', provider: { name: 'Google Workspace', spfInclude: '_spf.google.com' } }],
  ]), { domain: 'shop.example' })
  assert.equal(analysis.sources[0].kind, 'unknown')
  assert.deepEqual(analysis.fixes.map((f) => [f.code, f.spfInclude]), [['known-sender-not-authorized', '_spf.google.com']])
  assert.equal(analysis.enforcement.verdict, 'not-enough-data')
})

test('own egress with a broken DKIM key is a fix, and p=quarantine with all mail passing may move to reject', () => {
  const failing = analyzeDmarc([row('192.0.2.10', 500, { dkim: 'fail', dkimResults: [{ domain: 'shop.example', result: 'fail' }] })], new Map([['192.0.2.10', { isOwnEgress: true }]]), { domain: 'shop.example' })
  assert.deepEqual(failing.fixes.map((f) => f.code), ['own-dkim-failing'])
  const passing = analyzeDmarc([row('192.0.2.10', 500, { report: { ...row('x', 0).report, policy: 'quarantine' } })], new Map([['192.0.2.10', { isOwnEgress: true }]]))
  assert.deepEqual(passing.enforcement, { verdict: 'move-to-reject', isSafeToQuarantine: true, isSafeToReject: true, failing: [] })
})
