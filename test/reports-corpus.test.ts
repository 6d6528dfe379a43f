// Every report of the shared corpus (../shared/corpus/dmarc, ../shared/corpus/tlsrpt) and of our
// own fixtures ingests with exact record counts and totals; the expected values are computed
// here independently of the parser (regexes over the XML, JSON.parse, a hand unzip); invalid
// reports give clear errors and store nothing.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { gunzipSync, inflateRawSync } from 'node:zlib'
import { createManualClock, createSeededRandom } from '../src/core/index.ts'
import { ingestDmarcReport, ingestReportEmail, ingestTlsReport } from '../src/reports/index.ts'
import { openSqliteStore, type Store } from '../src/store/index.ts'

const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname
const FIXTURES = new URL('./fixtures/reports/', import.meta.url).pathname
const hasCorpus = existsSync(join(CORPUS, 'dmarc/aggregate'))
const skipCorpus = hasCorpus ? undefined : `the shared corpus is not at ${CORPUS}`

async function openStore(t: { after: (fn: () => Promise<void>) => void }): Promise<Store> {
  const store = await openSqliteStore({ path: ':memory:', clock: createManualClock(1_750_000_000_000), random: createSeededRandom(4) })
  t.after(() => store.close())
  return store
}

/** The report text, unwrapped without the parser's code: gzip by zlib, zip by its first local header, email by its base64 attachment. */
function rawText(bytes: Buffer): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return rawText(gunzipSync(bytes))
  if (bytes.readUInt32LE(0) === 0x04034b50) {
    const method = bytes.readUInt16LE(8)
    const size = bytes.readUInt32LE(18)
    const start = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28)
    const data = bytes.subarray(start, start + size)
    return rawText(method === 8 ? inflateRawSync(data) : data)
  }
  const text = bytes.toString('latin1')
  if (/^\s*[<{]/.test(text)) return bytes.toString('utf8')
  const attachment = /Content-Type: application\/(?:zip|gzip|x-gzip|tlsrpt\+gzip|tlsrpt\+json|xml)[^]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/i.exec(text)
  assert.ok(attachment, 'the email has a base64 report attachment')
  return rawText(Buffer.from(attachment[1].replace(/\s+/g, ''), 'base64'))
}

function expectedDmarc(xml: string): { records: number; messages: number; reportId: string } {
  const counts = [...xml.matchAll(/<count>\s*(\d+)\s*<\/count>/g)].map((m) => Number(m[1]))
  return {
    records: (xml.match(/<record[\s>]/g) ?? []).length,
    messages: counts.reduce((a, b) => a + b, 0),
    reportId: /<report_id>\s*([^<]*?)\s*<\/report_id>/.exec(xml)?.[1] ?? '',
  }
}

function expectedTls(json: string): { policies: number; ok: number; failed: number; reportId: string } {
  const report = JSON.parse(json) as { 'report-id': string; policies: { summary: Record<string, number> }[] }
  return {
    policies: report.policies.length,
    ok: report.policies.reduce((sum, p) => sum + p.summary['total-successful-session-count'], 0),
    failed: report.policies.reduce((sum, p) => sum + p.summary['total-failure-session-count'], 0),
    reportId: report['report-id'],
  }
}

function reportFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => !/^(README|LICENSE)/.test(name)).sort().map((name) => join(dir, name))
}

async function checkDmarcFiles(t: { after: (fn: () => Promise<void>) => void }, files: readonly string[]): Promise<number> {
  const store = await openStore(t)
  let messages = 0
  const stored = new Set<string>()
  for (const file of files) {
    const bytes = readFileSync(file)
    const want = expectedDmarc(rawText(bytes))
    const got = await ingestDmarcReport(bytes, { reports: store })
    assert.equal(got.reportId, want.reportId, file)
    assert.equal(got.records, want.records, `${file}: <record> rows`)
    assert.equal(got.messages, want.messages, `${file}: sum of <count>`)
    const key = `${got.orgName}\u0000${got.reportId}`
    assert.equal(got.isDuplicate, stored.has(key), file)
    stored.add(key)
    const rows = (await store.listDmarcRecords({})).filter((row) => row.report.id === got.id)
    assert.equal(rows.length, want.records, `${file}: rows stored`)
    assert.equal(rows.reduce((sum, row) => sum + row.count, 0), want.messages, `${file}: messages stored`)
    messages += want.messages
  }
  assert.equal((await store.listDmarcReports({})).length, stored.size)
  return messages
}

async function checkTlsFiles(t: { after: (fn: () => Promise<void>) => void }, files: readonly string[]): Promise<void> {
  const store = await openStore(t)
  const stored = new Set<string>()
  for (const file of files) {
    const bytes = readFileSync(file)
    const want = expectedTls(rawText(bytes))
    const got = await ingestTlsReport(bytes, { reports: store })
    assert.equal(got.reportId, want.reportId, file)
    assert.deepEqual([got.policies, got.successfulSessions, got.failedSessions], [want.policies, want.ok, want.failed], file)
    const key = `${got.organizationName}\u0000${got.reportId}`
    assert.equal(got.isDuplicate, stored.has(key), `${file}: duplicate`)
    stored.add(key)
    const policies = (await store.listTlsPolicyResults({})).filter((p) => p.report.id === got.id)
    assert.equal(policies.length, want.policies, `${file}: policies stored`)
  }
}

test('every valid DMARC aggregate report of the corpus ingests with its exact <record> rows and message total', { skip: skipCorpus }, async (t) => {
  const files = reportFiles(join(CORPUS, 'dmarc/aggregate'))
  assert.equal(files.length, 15)
  assert.equal(await checkDmarcFiles(t, files), 139)
})

test('the corpus\'s invalid DMARC reports give errors that say what was expected, and store nothing', { skip: skipCorpus }, async (t) => {
  const store = await openStore(t)
  const messages: Record<string, RegExp> = {
    'parsedmarc__invalid_xml.xml': /^parsing a DMARC aggregate report: malformed XML at line 5, column \d+: .*expected well-formed XML$/,
    'parsedmarc__report_with_upper_cased_pass.xml': /disposition: "None"; expected one of none, quarantine, reject, pass \(lower case/,
  }
  for (const file of reportFiles(join(CORPUS, 'dmarc/aggregate-invalid'))) {
    const name = file.split('/').pop() as string
    await assert.rejects(ingestDmarcReport(readFileSync(file), { reports: store }), (error: Error & { code?: string }) => {
      assert.match(error.code ?? '', /^REPORT_(XML|SCHEMA)_INVALID$/)
      assert.match(error.message, messages[name] ?? /expected/)
      return true
    })
  }
  assert.deepEqual(await store.listDmarcReports({}), [])
  assert.deepEqual(await store.listDmarcRecords({}), [])
})

test('every TLS-RPT report of the corpus ingests with its exact policies and session totals, the RFC example once', { skip: skipCorpus }, async (t) => {
  const files = reportFiles(join(CORPUS, 'tlsrpt'))
  assert.equal(files.length, 10)
  await checkTlsFiles(t, files)
})

test('our fixtures ingest in every container: RFC 7489, RFC 9990 with and without namespace, gzip, zip, report email', async (t) => {
  const files = ['rfc7489.xml', 'rfc7489.xml.gz', 'rfc7489.zip', 'dmarc-report.eml', 'rfc9990-namespaced.xml', 'rfc9990-plain.xml'].map((name) => join(FIXTURES, name))
  assert.equal(await checkDmarcFiles(t, files), 4 * 1000 + 2 * 125)
  await checkTlsFiles(t, ['tlsrpt.json', 'tlsrpt.json.gz', 'tlsrpt-report.eml'].map((name) => join(FIXTURES, name)))
})

test('a report email from the mailbox is recognized as DMARC or TLS-RPT by its attachment', async (t) => {
  const store = await openStore(t)
  const dmarc = await ingestReportEmail(readFileSync(join(FIXTURES, 'dmarc-report.eml')), { reports: store })
  const tls = await ingestReportEmail(readFileSync(join(FIXTURES, 'tlsrpt-report.eml')), { reports: store })
  assert.deepEqual([dmarc.kind, dmarc.reportId, dmarc.containers], ['dmarc', 'todoku-fixture-email', ['email', 'gzip']])
  assert.deepEqual([tls.kind, tls.reportId, tls.containers], ['tlsrpt', 'todoku-fixture-tls-email', ['email', 'gzip']])
  await assert.rejects(ingestReportEmail(Buffer.from('From: a@b.example\r\nSubject: hello\r\n\r\nno report here\r\n'), { reports: store }), { code: 'REPORT_UNRECOGNIZED' })
})
