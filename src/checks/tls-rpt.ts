// TLS-RPT (RFC 8460 §3): `_smtp._tls.<domain>` TXT `v=TLSRPTv1; rua=mailto:…` so senders
// report TLS failures delivering to the domain.
import type { DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'

/** The TLS-RPT check. Pure. */
export function evaluateTlsRpt(txt: readonly (readonly string[])[] | DnsFailure, want: { readonly domain: string; readonly suggestedRua: string }): CheckResult[] {
  const name = `_smtp._tls.${want.domain}`
  const publish = {
    en: `Publish TXT ${name}: v=TLSRPTv1; rua=${want.suggestedRua}`,
    ja: `TXT レコード ${name}: v=TLSRPTv1; rua=${want.suggestedRua} を公開してください。`,
  }
  if (typeof txt === 'string') {
    if (txt === 'NXDOMAIN' || txt === 'NODATA') return [checkResult('tls-rpt.record', 'warn', `TLS-RPT: no record at ${name}; TLS failures delivering to ${want.domain} go unreported`, { failure: txt }, publish)]
    return [checkResult('tls-rpt.record', 'error', `TLS-RPT: looking up ${name} failed (${txt})`, { failure: txt })]
  }
  const records = txt.map((strings) => strings.join('')).filter((record) => /^v=TLSRPTv1\s*(?:;|$)/.test(record))
  if (records.length !== 1) return [checkResult('tls-rpt.record', records.length === 0 ? 'warn' : 'fail', `TLS-RPT: ${records.length} v=TLSRPTv1 records at ${name} (expected one)`, { records }, publish)]
  const rua = /(?:^|;)\s*rua=([^;]*)/.exec(records[0] as string)?.[1]?.trim() ?? ''
  const uris = rua.split(',').map((uri) => uri.trim()).filter((uri) => uri !== '')
  if (uris.length === 0 || !uris.every((uri) => /^(?:mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(uri))) {
    return [checkResult('tls-rpt.record', 'fail', `TLS-RPT record at ${name}: rua "${rua}" is not a list of mailto: or https: URIs`, { record: records[0] }, publish)]
  }
  return [checkResult('tls-rpt.record', 'pass', `TLS-RPT reports go to ${uris.join(', ')}`, { record: records[0] })]
}
