// `npm run bench:reports` (node bench/reports.ts): how fast DMARC aggregate and TLS-RPT reports
// are read and stored.
//
//   1. parse: the shared corpus's DMARC reports (xml, gz, zip, eml; 1–2 rows each) parsed in a
//      loop for PARSE_MS. Prints reports/s and records/s.
//   2. parse, big: one generated report of BIG_RECORDS rows (≈ a large receiver's daily
//      report). Prints records/s.
//   3. ingest: INGEST_REPORTS generated reports of ROWS_PER_REPORT rows each, stored into a
//      durable SQLite store (worker thread, fsync per commit) in a data folder under the
//      system temp dir, CONCURRENCY at a time (as the API / report mailbox would), then one at
//      a time (as `todoku dmarc import` does). Prints reports/s and records/s.
// The last line is the summary, exactly:
//   reports-ingest-per-s R records-ingest-per-s N
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock, systemRandom } from '../src/core/index.ts'
import { ingestDmarcReport, parseAggregateReport, parseTlsReport } from '../src/reports/index.ts'
import { openSqliteStore } from '../src/store/index.ts'

const PARSE_MS = 2_000
const BIG_RECORDS = 20_000
const INGEST_REPORTS = 2_000
const ROWS_PER_REPORT = 10
const CONCURRENCY = 32

const load = (): string => loadavg().map((n) => n.toFixed(1)).join(' ')

function generatedReport(id: number, rows: number): Buffer {
  const records: string[] = []
  for (let i = 0; i < rows; i++) {
    const ip = `198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    const pass = i % 7 !== 0
    records.push(`<record><row><source_ip>${ip}</source_ip><count>${1 + (i % 50)}</count><policy_evaluated><disposition>none</disposition><dkim>${pass ? 'pass' : 'fail'}</dkim><spf>${pass ? 'pass' : 'fail'}</spf></policy_evaluated></row>` +
      '<identifiers><header_from>shop.example</header_from></identifiers><auth_results>' +
      `<dkim><domain>shop.example</domain><selector>td1</selector><result>${pass ? 'pass' : 'fail'}</result></dkim><spf><domain>shop.example</domain><scope>mfrom</scope><result>${pass ? 'pass' : 'softfail'}</result></spf></auth_results></record>`)
  }
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<feedback><report_metadata><org_name>bench.example</org_name><email>r@bench.example</email><report_id>bench-${id}</report_id>` +
    '<date_range><begin>1750000000</begin><end>1750086399</end></date_range></report_metadata><policy_published><domain>shop.example</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>' +
    `${records.join('')}</feedback>\n`)
}

console.log(`load average at start: ${load()}`)

// 1. parse the corpus
const corpus = new URL('../../shared/corpus/', import.meta.url).pathname
const dmarcFiles = readdirSync(join(corpus, 'dmarc/aggregate')).filter((n) => !n.endsWith('.md')).map((n) => readFileSync(join(corpus, 'dmarc/aggregate', n)))
const tlsFiles = readdirSync(join(corpus, 'tlsrpt')).filter((n) => /\.(json|eml)$/.test(n)).map((n) => readFileSync(join(corpus, 'tlsrpt', n)))
{
  let reports = 0
  let records = 0
  const start = performance.now()
  while (performance.now() - start < PARSE_MS) {
    for (const bytes of dmarcFiles) {
      records += parseAggregateReport(bytes).report.records.length
      reports++
    }
  }
  const seconds = (performance.now() - start) / 1000
  console.log(`parse, DMARC corpus (${dmarcFiles.length} files): ${Math.round(reports / seconds)} reports/s, ${Math.round(records / seconds)} records/s (load ${load()})`)
  let tls = 0
  const tlsStart = performance.now()
  while (performance.now() - tlsStart < PARSE_MS / 2) {
    for (const bytes of tlsFiles) parseTlsReport(bytes)
    tls += tlsFiles.length
  }
  console.log(`parse, TLS-RPT corpus (${tlsFiles.length} files): ${Math.round(tls / ((performance.now() - tlsStart) / 1000))} reports/s`)
}

// 2. parse one big report
{
  const big = generatedReport(0, BIG_RECORDS)
  parseAggregateReport(big)
  const start = performance.now()
  const { report } = parseAggregateReport(big)
  const ms = performance.now() - start
  console.log(`parse, one report of ${report.records.length} rows (${(big.length / 1e6).toFixed(1)} MB): ${ms.toFixed(0)} ms, ${Math.round(report.records.length / (ms / 1000))} records/s`)
}

// 3. ingest into a durable store
const root = mkdtempSync(join(tmpdir(), 'todoku-bench-reports-'))
let summary = ''
try {
  const store = await openSqliteStore({ path: root, clock: systemClock, random: systemRandom })
  const inputs = Array.from({ length: INGEST_REPORTS }, (_, i) => generatedReport(i + 1, ROWS_PER_REPORT))
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < inputs.length) await ingestDmarcReport(inputs[next++], { reports: store })
  }))
  const seconds = (performance.now() - start) / 1000
  const reportsPerS = Math.round(INGEST_REPORTS / seconds)
  const recordsPerS = Math.round(INGEST_REPORTS * ROWS_PER_REPORT / seconds)
  console.log(`ingest, ${INGEST_REPORTS} reports × ${ROWS_PER_REPORT} rows, ${CONCURRENCY} at a time, durable: ${reportsPerS} reports/s, ${recordsPerS} records/s (load ${load()})`)

  const serial = Array.from({ length: 300 }, (_, i) => generatedReport(INGEST_REPORTS + i + 1, ROWS_PER_REPORT))
  const serialStart = performance.now()
  for (const bytes of serial) await ingestDmarcReport(bytes, { reports: store })
  const serialSeconds = (performance.now() - serialStart) / 1000
  console.log(`ingest, ${serial.length} reports one at a time (todoku dmarc import), durable: ${Math.round(serial.length / serialSeconds)} reports/s, ${Math.round(serial.length * ROWS_PER_REPORT / serialSeconds)} records/s`)

  const big = generatedReport(999_999, BIG_RECORDS)
  const bigStart = performance.now()
  await ingestDmarcReport(big, { reports: store })
  const bigMs = performance.now() - bigStart
  console.log(`ingest, one report of ${BIG_RECORDS} rows, durable: ${bigMs.toFixed(0)} ms, ${Math.round(BIG_RECORDS / (bigMs / 1000))} records/s`)
  await store.close()
  summary = `reports-ingest-per-s ${reportsPerS} records-ingest-per-s ${recordsPerS}`
} finally {
  rmSync(root, { recursive: true, force: true })
}
console.log(`load average at end: ${load()}`)
console.log(summary)
