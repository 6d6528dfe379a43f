// Every DNS record a sending domain must publish for todoku, as data: the table `todoku domain
// add` prints and the zone-file lines of `--zone`. Pure.
import { dkimDnsRecord, dkimTxtStrings } from '../dkim/index.ts'
import { reportAddressOf, spfTermsOf, type DomainCheckTarget } from './run-domain-checks.ts'

export interface DnsRecordToPublish {
  /** fully qualified, no trailing dot: `td202511r._domainkey.example.com` */
  readonly name: string
  readonly type: 'TXT' | 'MX'
  /** the record's value; for MX `10 mx.todoku.example.` */
  readonly value: string
  /** what it is for: 'SPF', 'DKIM (rsa-sha256, active)', 'DMARC', 'bounce MX', 'MTA-STS', 'TLS-RPT' */
  readonly purpose: string
}

export interface DomainRecordsPlan {
  readonly records: readonly DnsRecordToPublish[]
  /** the MTA-STS policy file to serve at https://mta-sts.<bounce domain>/.well-known/mta-sts.txt */
  readonly mtaStsPolicy: { readonly url: string; readonly text: string }
}

/** RFC 8461 §3.2: max_age up to 31557600 s; a week lets a mistake expire soon enough. */
const MTA_STS_MAX_AGE_SECONDS = 604_800

/**
 * The records for a target. `mtaStsId` changes whenever the policy does (RFC 8461 §3.1);
 * `mtaStsMode` starts at 'testing' so a mistake in the policy never blocks mail.
 */
export function planDomainRecords(target: DomainCheckTarget, options: { readonly mtaStsId: string; readonly mtaStsMode?: 'testing' | 'enforce' }): DomainRecordsPlan {
  const rua = `mailto:${reportAddressOf(target)}`
  const mxHost = target.mxHost ?? `mx.${target.bounceDomain}`
  const records: DnsRecordToPublish[] = [
    { name: target.bounceDomain, type: 'TXT', value: `v=spf1 ${spfTermsOf(target).join(' ')} -all`, purpose: 'SPF' },
    // retiring keys stay published for their grace period: mail signed with them is still in flight
    ...target.dkimKeys.map((key) => ({
      name: `${key.selector}._domainkey.${target.domain}`,
      type: 'TXT' as const,
      value: dkimDnsRecord(key.privateKeyPem),
      purpose: `DKIM (${key.algorithm}, ${key.state})`,
    })),
    { name: `_dmarc.${target.domain}`, type: 'TXT', value: `v=DMARC1; p=none; rua=${rua}`, purpose: 'DMARC' },
    { name: target.bounceDomain, type: 'MX', value: `10 ${mxHost}.`, purpose: 'bounce MX' },
    { name: `_mta-sts.${target.bounceDomain}`, type: 'TXT', value: `v=STSv1; id=${options.mtaStsId}`, purpose: 'MTA-STS' },
    { name: `_smtp._tls.${target.bounceDomain}`, type: 'TXT', value: `v=TLSRPTv1; rua=${rua}`, purpose: 'TLS-RPT' },
  ]
  const text = ['version: STSv1', `mode: ${options.mtaStsMode ?? 'testing'}`, `mx: ${mxHost}`, `max_age: ${MTA_STS_MAX_AGE_SECONDS}`, ''].join('\r\n')
  return { records, mtaStsPolicy: { url: `https://mta-sts.${target.bounceDomain}/.well-known/mta-sts.txt`, text } }
}

/** One zone-file line: `name. 3600 IN TXT "…" "…"` (TXT values split into 255-byte strings). */
export function zoneFileLine(record: DnsRecordToPublish, ttlSeconds = 3600): string {
  const value = record.type === 'TXT' ? dkimTxtStrings(record.value).map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(' ') : record.value
  return `${record.name}. ${ttlSeconds} IN ${record.type} ${value}`
}
