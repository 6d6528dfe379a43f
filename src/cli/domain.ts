// `todoku domain add DOMAIN [--tenant T] [--bounce-domain D] [--require-tls]`: registers a
// sending domain in the data folder with a new RSA-2048 and Ed25519 DKIM key, and prints the
// DNS TXT records to publish. A later issue adds the domain's other records (SPF, DMARC, MX of
// the bounce domain) to this same output.
import type { Command } from 'commander'
import { domainToASCII } from 'node:url'
import { systemClock, TodokuError } from '../core/index.ts'
import { dkimTxtStrings, generateDkimKeys, type DkimKeyMaterial } from '../dkim/index.ts'
import { withDataDirStore, type DataDirOptions } from './data-dir.ts'

interface DomainAddOptions extends DataDirOptions {
  readonly tenant: string
  readonly bounceDomain?: string
  readonly requireTls?: boolean
  readonly replace?: boolean
  readonly json?: boolean
}

export function registerDomain(program: Command): void {
  const domain = program.command('domain').description('sending domains and their DKIM keys')
  domain
    .command('add')
    .description('register a sending domain with new RSA-2048 and Ed25519 DKIM keys; prints the DNS records to publish')
    .argument('<domain>', 'the domain in From addresses (example.com)')
    .option('--tenant <id>', 'the tenant that may send from it', 'default')
    .option('--bounce-domain <domain>', 'where VERP bounces go (default: the domain itself)')
    .option('--require-tls', 'never deliver its mail without STARTTLS')
    .option('--replace', 'replace an existing domain and its keys (the old DKIM records stop verifying)')
    .option('--json', 'print { domain, tenantId, records: [{ name, type, value }] } as JSON')
    .option('-c, --config <file>', 'the TOML config file (for dataDir)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (name: string, options: DomainAddOptions) => {
      const ascii = domainToASCII(name.trim().toLowerCase())
      if (ascii === '' || !ascii.includes('.')) throw new TodokuError('DOMAIN_NAME_INVALID', `adding sending domain ${JSON.stringify(name)}: expected a domain name like example.com`)
      const keys = await generateDkimKeys(ascii, { clock: systemClock })
      await withDataDirStore(options, async (store) => {
        const existing = await store.getDomain(ascii)
        if (existing !== undefined && options.replace !== true) {
          throw new TodokuError('DOMAIN_EXISTS', `adding sending domain ${ascii}: it exists already (selectors ${existing.dkimKeys.map((k) => k.selector).join(', ')}); expected a new domain, or --replace`)
        }
        await store.putDomain({
          name: ascii,
          tenantId: options.tenant,
          dkimKeys: [keys.rsa, keys.ed25519].map((k) => ({ selector: k.selector, algorithm: k.algorithm, privateKeyPem: k.privateKeyPem })),
          bounceDomain: options.bounceDomain,
          requireTls: options.requireTls === true,
        })
      })
      const records = [keys.rsa, keys.ed25519].map((k: DkimKeyMaterial) => ({ name: k.dnsName, type: 'TXT', value: k.publicKeyDnsRecord }))
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ domain: ascii, tenantId: options.tenant, records })}\n`)
        return
      }
      process.stdout.write(`sending domain ${ascii} for tenant ${options.tenant}: DKIM keys ${keys.rsa.selector} (rsa-sha256), ${keys.ed25519.selector} (ed25519-sha256)\n\n`)
      process.stdout.write('publish these DNS records (zone-file form; the RSA value is split into 255-byte strings):\n\n')
      for (const record of records) {
        const strings = dkimTxtStrings(record.value).map((s) => `"${s}"`).join(' ')
        process.stdout.write(`${record.name}. 3600 IN TXT ${strings}\n`)
      }
    })
}
