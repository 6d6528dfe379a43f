// `todoku tlsrpt import FILE… [--json]`: store SMTP TLS reports (RFC 8460: JSON, .json.gz,
// report emails), once each. `todoku tlsrpt report [--domain D] [--since 7d] [--json]`: sessions
// and failures per receiving domain and failure type.
import type { Command } from 'commander'
import { systemClock } from '../core/index.ts'
import { formatTlsSummary, ingestTlsReport, summarizeTlsReports, type TlsIngested } from '../reports/index.ts'
import { withDataDirStore, type DataDirOptions } from './data-dir.ts'
import { durationOf, importReports, languageOf } from './dmarc.ts'

export function registerTlsrpt(program: Command): void {
  const tlsrpt = program.command('tlsrpt').description('SMTP TLS reports (RFC 8460): import them, and see where TLS fails')
  tlsrpt
    .command('import')
    .description('store TLS-RPT reports (.json, .json.gz, report emails, directories, mbox); each report once')
    .argument('<files...>', 'report files, directories, mbox files, or - for stdin')
    .option('--json', 'one JSON line per file: {"file","ok":true,"reportId","organizationName","policies","successfulSessions","failedSessions"} or {"file","ok":false,"error"}')
    .option('-c, --config <file>', 'the TOML config file (for dataDir)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (files: string[], options: DataDirOptions & { json?: boolean }) => {
      const failed = await withDataDirStore(options, (store) => importReports(files, { reports: store }, options.json === true, (text) => process.stdout.write(text), ingestTlsReport, describeTls))
      if (failed > 0) process.exitCode = 1
    })
  tlsrpt
    .command('report')
    .description('TLS sessions and failures per receiving domain and failure type')
    .option('--domain <domain>', 'the receiving (policy) domain (default: all)')
    .option('--since <duration>', 'reports whose period ends within this long ago', '7d')
    .option('--json', 'one JSON object per receiving domain')
    .option('--lang <lang>', 'en or ja', 'en')
    .option('-c, --config <file>', 'the TOML config file (for dataDir)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (options: DataDirOptions & { domain?: string; since: string; json?: boolean; lang: string }) => {
      const lang = languageOf(options.lang)
      const sinceMs = systemClock.now() - durationOf(options.since)
      const results = await withDataDirStore(options, (store) => store.listTlsPolicyResults({ ...(options.domain !== undefined && { domain: options.domain }), sinceMs }))
      const summaries = summarizeTlsReports(results)
      if (options.json === true) process.stdout.write(summaries.map((s) => `${JSON.stringify(s)}\n`).join(''))
      else process.stdout.write(formatTlsSummary(summaries, lang))
    })
}

function describeTls(result: TlsIngested): Record<string, unknown> {
  return {
    reportId: result.reportId, organizationName: result.organizationName, policies: result.policies,
    successfulSessions: result.successfulSessions, failedSessions: result.failedSessions, duplicate: result.isDuplicate,
  }
}
