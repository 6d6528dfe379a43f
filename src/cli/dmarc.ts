// `todoku dmarc import FILE… [--json]`: store DMARC aggregate reports (XML, .xml.gz, .zip, or
// report emails; directories and mboxes too), once each. `todoku dmarc report [--domain D]
// [--since 7d] [--json] [--lang ja]`: which sending environments fail, what to fix, and
// whether the domain can move to p=quarantine / p=reject.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parseDuration } from '../config/index.ts'
import { systemClock, TodokuError } from '../core/index.ts'
import { createNodeResolver } from '../dns/index.ts'
import {
  createPtrCache, describeDmarcFix, formatDmarcAnalysis, ingestDmarcReport, loadReportSenders, runDmarcReport,
  type IngestDeps, type ReportLanguage,
} from '../reports/index.ts'
import { withDataDirStore, type DataDirOptions } from './data-dir.ts'
import { readMailInputs } from './read-mail-inputs.ts'

interface ImportOptions extends DataDirOptions {
  readonly json?: boolean
}

interface ReportOptions extends DataDirOptions {
  readonly domain?: string
  readonly since: string
  readonly json?: boolean
  readonly lang: string
}

export function registerDmarc(program: Command): void {
  const dmarc = program.command('dmarc').description('DMARC aggregate reports: import them, and see which senders fail')
  dmarc
    .command('import')
    .description('store DMARC aggregate reports (.xml, .xml.gz, .zip, report emails, directories, mbox); each report once')
    .argument('<files...>', 'report files, directories, mbox files, or - for stdin')
    .option('--json', 'one JSON line per file: {"file","ok":true,"reportId","orgName","records","messages"} or {"file","ok":false,"error"}')
    .option('-c, --config <file>', 'the TOML config file (for dataDir)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (files: string[], options: ImportOptions) => {
      const failed = await withDataDirStore(options, (store) => importReports(files, { reports: store }, options.json === true, (text) => process.stdout.write(text), ingestDmarcReport))
      if (failed > 0) process.exitCode = 1
    })
  dmarc
    .command('report')
    .description('per source IP and sending environment: volume, SPF/DKIM/DMARC results, what to fix, and whether p=quarantine/p=reject is safe')
    .option('--domain <domain>', 'the policy domain (default: every domain with reports)')
    .option('--since <duration>', 'reports whose period ends within this long ago', '7d')
    .option('--json', 'the analysis as one JSON object')
    .option('--lang <lang>', 'en or ja', 'en')
    .option('-c, --config <file>', 'the TOML config file (for dataDir, dns, egress)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (options: ReportOptions) => {
      const lang = languageOf(options.lang)
      const sinceMs = systemClock.now() - durationOf(options.since)
      const analysis = await withDataDirStore(options, async (store, config) => {
        const dns = createNodeResolver({ servers: config.dns.servers.length > 0 ? config.dns.servers : undefined, timeoutMs: config.dns.timeoutMs, tries: config.dns.tries })
        return runDmarcReport({ ...(options.domain !== undefined && { domain: options.domain }), sinceMs }, {
          reports: store, dns, ptrCache: createPtrCache({ dns, clock: systemClock }),
          egressIps: config.egress.sources.map((source) => source.address), senders: loadReportSenders(),
        })
      })
      if (options.json === true) {
        const fixes = analysis.fixes.map((fix) => ({ ...fix, message: describeDmarcFix(fix, analysis.domain ?? fix.sourceIp, lang) }))
        process.stdout.write(`${JSON.stringify({ ...analysis, fixes })}\n`)
      } else process.stdout.write(formatDmarcAnalysis(analysis, lang))
    })
}

/** Import every input; one line per input (JSON or text) on `out`; returns how many failed. */
export async function importReports<T extends { reportId: string; isDuplicate: boolean }>(
  files: readonly string[], deps: IngestDeps, json: boolean, out: (text: string) => void,
  ingest: (bytes: Uint8Array, deps: IngestDeps) => Promise<T>, describe: (result: T) => Record<string, unknown> = describeDmarc,
): Promise<number> {
  let failed = 0
  // a report file is one input (an mbox of report emails is split into its mails)
  for (const input of readMailInputs(files, () => readFileSync(0))) {
    const file = 'index' in input && input.index !== undefined ? `${input.file}#${input.index}` : input.file
    if ('error' in input) {
      failed++
      out(json ? `${JSON.stringify({ file, ok: false, error: input.error })}\n` : `${file}: error: ${input.error}\n`)
      continue
    }
    try {
      const result = await ingest(input.bytes, deps)
      const fields = describe(result)
      out(json ? `${JSON.stringify({ file, ok: true, ...fields })}\n`
        : `${file}: ${result.isDuplicate ? 'already stored' : 'stored'}: ${Object.entries(fields).filter(([key]) => key !== 'duplicate').map(([key, value]) => `${key} ${value}`).join(', ')}\n`)
    } catch (error) {
      if (!(error instanceof TodokuError) || !error.code.startsWith('REPORT_')) throw error
      failed++
      out(json ? `${JSON.stringify({ file, ok: false, error: error.message })}\n` : `${file}: error: ${error.message}\n`)
    }
  }
  return failed
}

function describeDmarc(result: { reportId: string; isDuplicate: boolean }): Record<string, unknown> {
  const r = result as unknown as { reportId: string; orgName: string; domain: string; records: number; messages: number; isDuplicate: boolean }
  return { reportId: r.reportId, orgName: r.orgName, domain: r.domain, records: r.records, messages: r.messages, duplicate: r.isDuplicate }
}

export function languageOf(lang: string): ReportLanguage {
  if (lang === 'en' || lang === 'ja') return lang
  throw new TodokuError('CLI_OPTION_INVALID', `--lang ${JSON.stringify(lang)}: expected en or ja`)
}

export function durationOf(since: string): number {
  const ms = parseDuration(since)
  if (ms === undefined || ms <= 0) throw new TodokuError('CLI_OPTION_INVALID', `--since ${JSON.stringify(since)}: expected a duration like 7d, 24h or 30d`)
  return ms
}
