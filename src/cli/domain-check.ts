// `todoku domain check DOMAIN [--ip …] [--json] [--lang ja] [--activate]`: every check of a
// sending domain (SPF, DKIM, DMARC, MX, PTR, MTA-STS, TLS-RPT, BIMI, blocklists, the
// providers' bulk-sender rules), with the fix for each failure. Exit 1 when a check fails,
// 3 when none fails but some could not be made (DNS errors, a blocklist refusing the query),
// so it can guard a deployment. `--activate` switches signing to the pending keys of a
// rotation once their records are published.
import type { Command } from 'commander'
import { hostname } from 'node:os'
import { domainToASCII } from 'node:url'
import { domainCheckTargetOf, formatDomainReport, loadDnsblLists, runDomainChecks, type DomainCheckTarget, type DomainReport, type ReportLanguage } from '../checks/index.ts'
import type { TodokuConfig } from '../config/index.ts'
import { systemClock, TodokuError } from '../core/index.ts'
import { createHttpsPolicyFetcher } from '../delivery/index.ts'
import { createNodeResolver } from '../dns/index.ts'
import type { SendingDomain } from '../store/index.ts'
import { withDataDirStore, type DataDirOptions } from './data-dir.ts'

/** How long a replaced key stays published after `--activate`: mail signed with it may sit in queues for days. */
export const DEFAULT_KEY_GRACE_DAYS = 7

interface DomainCheckOptions extends DataDirOptions {
  readonly ip?: string[]
  readonly json?: boolean
  readonly lang?: string
  readonly activate?: boolean
  readonly graceDays?: string
}

/** The check target of a stored domain under the config, with `--ip` replacing the configured egress IPs. */
export function cliCheckTarget(domain: SendingDomain, config: TodokuConfig, ips?: readonly string[]): DomainCheckTarget {
  const sources = config.egress.sources
  const defaultEhlo = config.delivery.ehloName ?? hostname()
  const egress = ips !== undefined && ips.length > 0
    ? ips.map((address) => ({ address, ehloName: sources.find((source) => source.address === address)?.ehloName ?? defaultEhlo }))
    : sources
  return domainCheckTargetOf(domain, { egress, mxHost: config.checks.mxHost, spfInclude: config.checks.spfInclude })
}

/** Runs the checks as `todoku serve` would: the configured resolvers, blocklists and delivery TLS. */
export async function checkDomainWithConfig(target: DomainCheckTarget, config: TodokuConfig): Promise<DomainReport> {
  const dns = createNodeResolver({ servers: config.dns.servers.length > 0 ? config.dns.servers : undefined, timeoutMs: config.dns.timeoutMs, tries: config.dns.tries })
  return runDomainChecks(target, {
    dns,
    clock: systemClock,
    blocklists: loadDnsblLists(config.checks.dnsblFile),
    fetchMtaStsPolicy: createHttpsPolicyFetcher({ dns }),
    tls: config.delivery.tls,
  })
}

/** 0 all good (warnings allowed), 1 something fails, 3 nothing fails but something could not be checked. */
export function exitCodeOf(report: DomainReport): number {
  return report.status === 'fail' ? 1 : report.status === 'error' ? 3 : 0
}

export function asciiDomain(name: string, doing: string): string {
  const ascii = domainToASCII(name.trim().toLowerCase())
  if (ascii === '' || !ascii.includes('.')) throw new TodokuError('DOMAIN_NAME_INVALID', `${doing} ${JSON.stringify(name)}: expected a domain name like example.com`)
  return ascii
}

export function registerDomainCheck(domain: Command): void {
  domain
    .command('check')
    .description('check a sending domain’s DNS (SPF, DKIM, DMARC, MX, PTR, MTA-STS, TLS-RPT, BIMI), blocklists and the Gmail/Yahoo/Outlook.com bulk-sender rules; exit 1 on failure')
    .argument('<domain>', 'a sending domain added with `todoku domain add`')
    .option('--ip <address...>', 'egress IPs to check (default: the configured egress.sources addresses)')
    .option('--json', 'print the report as JSON')
    .option('--lang <en|ja>', 'language of the table and fixes', 'en')
    .option('--activate', 'after a rotate-keys: switch signing to the pending keys if their records are published')
    .option('--grace-days <days>', 'with --activate: keep the replaced keys published this many days', String(DEFAULT_KEY_GRACE_DAYS))
    .option('-c, --config <file>', 'the TOML config file')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (name: string, options: DomainCheckOptions) => {
      const ascii = asciiDomain(name, 'checking sending domain')
      const language: ReportLanguage = options.lang === 'ja' ? 'ja' : 'en'
      if (options.lang !== undefined && options.lang !== 'en' && options.lang !== 'ja') throw new TodokuError('CLI_OPTION_INVALID', `--lang ${options.lang}: expected en or ja`)
      await withDataDirStore(options, async (store, config) => {
        const stored = await store.getDomain(ascii)
        if (stored === undefined) throw new TodokuError('DOMAIN_NOT_FOUND', `checking sending domain ${ascii}: it is not a sending domain of this todoku; expected one added with todoku domain add`)
        const report = await checkDomainWithConfig(cliCheckTarget(stored, config, options.ip), config)
        process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDomainReport(report, language))
        process.exitCode = exitCodeOf(report)
        if (options.activate === true) {
          const graceDays = Number(options.graceDays ?? DEFAULT_KEY_GRACE_DAYS)
          if (!(graceDays >= 0)) throw new TodokuError('CLI_OPTION_INVALID', `--grace-days ${options.graceDays}: expected a number of days ≥ 0`)
          const message = await activatePendingKeys(stored, report, graceDays, async (next) => {
            await store.putDomain(next)
          })
          process.stdout.write(`\n${message[language]}\n`)
        }
      })
    })
}

/**
 * Switch signing to the pending keys when every one of them checks as published; the active
 * keys become retiring (still published) for `graceDays`; retiring keys past their time are
 * dropped. Refuses (throws) when a pending key is not published yet.
 */
export async function activatePendingKeys(
  domain: SendingDomain,
  report: DomainReport,
  graceDays: number,
  save: (next: SendingDomain) => Promise<void>,
): Promise<{ en: string; ja: string }> {
  const pending = domain.pendingDkimKeys ?? []
  if (pending.length === 0) {
    throw new TodokuError('DOMAIN_NO_PENDING_KEYS', `activating new DKIM keys of ${domain.name}: there are none pending; expected todoku domain rotate-keys ${domain.name} first`)
  }
  const unpublished = pending.filter((key) => report.checks.find((check) => check.id === `dkim.key:${key.selector}`)?.status !== 'pass')
  if (unpublished.length > 0) {
    process.exitCode = 1
    throw new TodokuError('DOMAIN_KEYS_NOT_PUBLISHED', `activating new DKIM keys of ${domain.name}: ${unpublished.map((key) => `${key.selector}._domainkey.${domain.name}`).join(', ')} not published (or not matching) yet; expected their TXT records in DNS first (see the checks above), then run again`)
  }
  const nowMs = report.checkedAtMs
  const retireAtMs = nowMs + graceDays * 86_400_000
  await save({
    ...domain,
    dkimKeys: pending,
    pendingDkimKeys: [],
    retiringDkimKeys: [...(domain.retiringDkimKeys ?? []).filter((key) => key.retireAtMs > nowMs), ...domain.dkimKeys.map((key) => ({ ...key, retireAtMs }))],
  })
  const selectors = pending.map((key) => key.selector).join(', ')
  const old = domain.dkimKeys.map((key) => key.selector).join(', ')
  const until = new Date(retireAtMs).toISOString().slice(0, 10)
  return {
    en: `signing with ${selectors} now (todoku serve picks it up within delivery.sendingDomainCacheMs). Keep ${old} published until ${until}, then remove their records.`,
    ja: `これから ${selectors} で署名します（todoku serve には delivery.sendingDomainCacheMs 以内に反映）。${old} のレコードは ${until} まで残し、その後削除してください。`,
  }
}
