// `todoku domain add DOMAIN [--tenant T] [--bounce-domain D] [--mx HOST] [--require-tls] [--zone]`:
// registers a sending domain in the data folder with a new RSA-2048 and Ed25519 DKIM key, and
// prints every DNS record to publish: SPF, DKIM, DMARC, the bounce domain's MX, MTA-STS (with
// the policy file to host) and TLS-RPT, as a table or as zone-file lines.
// `todoku domain rotate-keys DOMAIN`: new keys under new selectors, stored as pending (not
// signing) until `todoku domain check DOMAIN --activate` finds them published.
import type { Command } from 'commander'
import { planDomainRecords, zoneFileLine, type DomainRecordsPlan } from '../checks/index.ts'
import type { TodokuConfig } from '../config/index.ts'
import { systemClock, TodokuError } from '../core/index.ts'
import { generateDkimKeys, type DkimKeyMaterial } from '../dkim/index.ts'
import type { DkimKey, SendingDomain } from '../store/index.ts'
import { withDataDirStore, type DataDirOptions } from './data-dir.ts'
import { asciiDomain, cliCheckTarget, registerDomainCheck } from './domain-check.ts'

interface DomainAddOptions extends DataDirOptions {
  readonly tenant: string
  readonly bounceDomain?: string
  readonly mx?: string
  readonly requireTls?: boolean
  readonly replace?: boolean
  readonly json?: boolean
  readonly zone?: boolean
}

interface DomainRotateOptions extends DataDirOptions {
  readonly mx?: string
  readonly json?: boolean
  readonly zone?: boolean
}

export function registerDomain(program: Command): void {
  const domain = program.command('domain').description('sending domains: their DKIM keys, the DNS records to publish, and checks')
  domain
    .command('add')
    .description('register a sending domain with new RSA-2048 and Ed25519 DKIM keys; prints every DNS record to publish (SPF, DKIM, DMARC, bounce MX, MTA-STS, TLS-RPT)')
    .argument('<domain>', 'the domain in From addresses (example.com)')
    .option('--tenant <id>', 'the tenant that may send from it', 'default')
    .option('--bounce-domain <domain>', 'where VERP bounces go (default: the domain itself)')
    .option('--mx <host>', 'todoku’s inbound host for the bounce domain’s MX (default: config checks.mxHost, else mx.<bounce domain>)')
    .option('--require-tls', 'never deliver its mail without STARTTLS')
    .option('--replace', 'replace an existing domain and its keys (the old DKIM records stop verifying)')
    .option('--zone', 'print zone-file lines only (for a zone file or a DNS provider’s import)')
    .option('--json', 'print { domain, tenantId, records: [{ name, type, value, purpose }], mtaStsPolicy } as JSON')
    .option('-c, --config <file>', 'the TOML config file (for dataDir, egress sources, checks.mxHost)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (name: string, options: DomainAddOptions) => {
      const ascii = asciiDomain(name, 'adding sending domain')
      const bounceDomain = options.bounceDomain === undefined ? undefined : asciiDomain(options.bounceDomain, 'adding sending domain: --bounce-domain')
      const keys = await generateDkimKeys(ascii, { clock: systemClock })
      await withDataDirStore(options, async (store, config) => {
        const existing = await store.getDomain(ascii)
        if (existing !== undefined && options.replace !== true) {
          throw new TodokuError('DOMAIN_EXISTS', `adding sending domain ${ascii}: it exists already (selectors ${existing.dkimKeys.map((k) => k.selector).join(', ')}); expected a new domain, or --replace`)
        }
        const saved = await store.putDomain({
          name: ascii,
          tenantId: options.tenant,
          dkimKeys: [keys.rsa, keys.ed25519].map((k) => ({ selector: k.selector, algorithm: k.algorithm, privateKeyPem: k.privateKeyPem })),
          bounceDomain,
          requireTls: options.requireTls === true,
        })
        const plan = recordsPlanOf(saved, config, options.mx)
        printPlan(saved, plan, options, `sending domain ${ascii} for tenant ${options.tenant}: DKIM keys ${keys.rsa.selector} (rsa-sha256), ${keys.ed25519.selector} (ed25519-sha256)`)
      })
    })

  domain
    .command('rotate-keys')
    .description('make new DKIM keys under new selectors, stored as pending: publish them, then `todoku domain check DOMAIN --activate` switches signing')
    .argument('<domain>', 'a sending domain')
    .option('--mx <host>', 'todoku’s inbound host, as for domain add')
    .option('--zone', 'print zone-file lines only')
    .option('--json', 'print the records as JSON')
    .option('-c, --config <file>', 'the TOML config file')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (name: string, options: DomainRotateOptions) => {
      const ascii = asciiDomain(name, 'rotating the DKIM keys of')
      await withDataDirStore(options, async (store, config) => {
        const existing = await store.getDomain(ascii)
        if (existing === undefined) throw new TodokuError('DOMAIN_NOT_FOUND', `rotating the DKIM keys of ${ascii}: it is not a sending domain of this todoku; expected one added with todoku domain add`)
        const keys = await generateDkimKeys(ascii, { clock: systemClock })
        const taken = new Set([...existing.dkimKeys, ...(existing.retiringDkimKeys ?? [])].map((key) => key.selector))
        const pending = [keys.rsa, keys.ed25519].map((key) => ({ selector: freeSelector(key, taken), algorithm: key.algorithm, privateKeyPem: key.privateKeyPem }))
        const saved = await store.putDomain({
          ...existing,
          pendingDkimKeys: pending,
          retiringDkimKeys: (existing.retiringDkimKeys ?? []).filter((key) => key.retireAtMs > systemClock.now()),
        })
        const plan = recordsPlanOf(saved, config, options.mx)
        printPlan(saved, plan, options, `sending domain ${ascii}: new DKIM keys ${pending.map((key: DkimKey) => `${key.selector} (${key.algorithm})`).join(', ')} are PENDING: publish their records, then run todoku domain check ${ascii} --activate`)
      })
    })

  registerDomainCheck(domain)
}

/** The month's selector, or with a counter when a key of this domain has it already: td202511r → td202511r2. */
function freeSelector(key: DkimKeyMaterial, taken: ReadonlySet<string>): string {
  if (!taken.has(key.selector)) return key.selector
  for (let n = 2; ; n++) if (!taken.has(`${key.selector}${n}`)) return `${key.selector}${n}`
}

function recordsPlanOf(domain: SendingDomain, config: TodokuConfig, mx: string | undefined): DomainRecordsPlan {
  const target = cliCheckTarget(domain, { ...config, checks: { ...config.checks, mxHost: mx ?? config.checks.mxHost } })
  return planDomainRecords(target, { mtaStsId: new Date(systemClock.now()).toISOString().replace(/\D/g, '').slice(0, 14) })
}

function printPlan(domain: SendingDomain, plan: DomainRecordsPlan, options: { json?: boolean; zone?: boolean }, heading: string): void {
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify({ domain: domain.name, tenantId: domain.tenantId, records: plan.records, mtaStsPolicy: plan.mtaStsPolicy })}\n`)
    return
  }
  if (options.zone === true) {
    for (const record of plan.records) process.stdout.write(`${zoneFileLine(record)}\n`)
    return
  }
  process.stdout.write(`${heading}\n\npublish these DNS records:\n\n`)
  const purposeWidth = Math.max(...plan.records.map((record) => record.purpose.length))
  const nameWidth = Math.max(...plan.records.map((record) => record.name.length))
  for (const record of plan.records) {
    process.stdout.write(`  ${record.purpose.padEnd(purposeWidth)}  ${record.name.padEnd(nameWidth)}  ${record.type.padEnd(3)}  ${record.value}\n`)
  }
  process.stdout.write('\nas zone-file lines (TXT values split into 255-byte strings):\n\n')
  for (const record of plan.records) process.stdout.write(`${zoneFileLine(record)}\n`)
  process.stdout.write(`\nand serve this MTA-STS policy as text/plain at ${plan.mtaStsPolicy.url} (mode testing; change to enforce, and the _mta-sts id, once TLS-RPT reports are clean):\n\n${plan.mtaStsPolicy.text.replace(/\r\n/g, '\n')}`)
  process.stdout.write(`\nthen: todoku domain check ${domain.name}\n`)
}

