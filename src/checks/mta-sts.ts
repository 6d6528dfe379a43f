// MTA-STS (RFC 8461) for the domain that receives todoku's bounces and reports: the
// `_mta-sts` TXT record with its id, the policy file at https://mta-sts.<domain>/.well-known/
// mta-sts.txt, its mode, and whether its mx: patterns cover the domain's MX hosts.
import { parsePolicy } from 'mailauth/lib/mta-sts.js'
import type { DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'

export interface MtaStsObservation {
  readonly domain: string
  readonly txt: readonly (readonly string[])[] | DnsFailure
  /** the policy file's text, or why it could not be fetched; absent when there is no TXT record to go on */
  readonly policy?: { readonly text: string } | { readonly error: string }
  /** the domain's MX hosts, to match against the policy's mx: lines */
  readonly mxHosts: readonly string[]
}

/** RFC 8461 §3.1: `id` is 1–32 alphanumerics. */
const STS_ID = /^[a-z0-9]{1,32}$/i

/** RFC 8461 §4.1: `*.example.com` matches exactly one left-most label. */
export function mxMatchesPattern(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  const p = pattern.toLowerCase().replace(/\.$/, '')
  if (p.startsWith('*.')) {
    const dot = h.indexOf('.')
    return dot > 0 && h.slice(dot + 1) === p.slice(2)
  }
  return h === p
}

/** The MTA-STS checks. Pure. */
export function evaluateMtaSts(observed: MtaStsObservation, want: { readonly suggestedId: string }): CheckResult[] {
  const { domain } = observed
  const name = `_mta-sts.${domain}`
  const publish = {
    en: `Publish TXT ${name}: v=STSv1; id=${want.suggestedId}; and host the policy (todoku domain add ${domain} prints it) at https://mta-sts.${domain}/.well-known/mta-sts.txt`,
    ja: `TXT レコード ${name}: v=STSv1; id=${want.suggestedId}; を公開し、ポリシーファイル（todoku domain add で表示）を https://mta-sts.${domain}/.well-known/mta-sts.txt に置いてください。`,
  }
  if (typeof observed.txt === 'string') {
    if (observed.txt === 'NXDOMAIN' || observed.txt === 'NODATA') return [checkResult('mta-sts.record', 'warn', `MTA-STS: no record at ${name}; mail to ${domain} can be downgraded to plain text`, { failure: observed.txt }, publish)]
    return [checkResult('mta-sts.record', 'error', `MTA-STS: looking up ${name} failed (${observed.txt})`, { failure: observed.txt })]
  }
  const records = observed.txt.map((strings) => strings.join('')).filter((record) => /^v=STSv1(?:;|\s|$)/.test(record))
  if (records.length !== 1) {
    return [checkResult('mta-sts.record', records.length === 0 ? 'warn' : 'fail', `MTA-STS: ${records.length} v=STSv1 records at ${name} (expected exactly one)`, { records }, publish)]
  }
  const id = /(?:^|;)\s*id=([^;\s]*)/.exec(records[0] as string)?.[1] ?? ''
  if (!STS_ID.test(id)) {
    return [checkResult('mta-sts.record', 'fail', `MTA-STS: id "${id}" at ${name} is not 1–32 letters and digits (RFC 8461 §3.1)`, { record: records[0] }, publish)]
  }
  const results = [checkResult('mta-sts.record', 'pass', `MTA-STS record at ${name}: id=${id}`, { record: records[0] })]
  if (observed.policy === undefined) return results
  if ('error' in observed.policy) {
    results.push(checkResult('mta-sts.policy', 'fail', `MTA-STS policy of ${domain} could not be fetched: ${observed.policy.error}`, { error: observed.policy.error }, {
      en: `Serve the policy as text/plain with HTTP 200 (no redirect) at https://mta-sts.${domain}/.well-known/mta-sts.txt, with a valid certificate for mta-sts.${domain}.`,
      ja: `https://mta-sts.${domain}/.well-known/mta-sts.txt でポリシーを text/plain・HTTP 200（リダイレクトなし）で配信し、mta-sts.${domain} の有効な証明書を使ってください。`,
    }))
    return results
  }
  let policy: { mode?: string; mx?: string[]; version?: string }
  try {
    policy = parsePolicy(observed.policy.text) as typeof policy
  } catch (error) {
    results.push(checkResult('mta-sts.policy', 'fail', `MTA-STS policy of ${domain} is not valid: ${(error as Error).message}`, { text: observed.policy.text.slice(0, 500) }, publish))
    return results
  }
  const mode = policy.mode ?? 'none'
  const uncovered = observed.mxHosts.filter((host) => !(policy.mx ?? []).some((pattern) => mxMatchesPattern(host, pattern)))
  if (mode !== 'none' && uncovered.length > 0) {
    results.push(checkResult('mta-sts.policy', 'fail', `MTA-STS policy (mode ${mode}) does not list MX ${uncovered.join(', ')} of ${domain}: senders ${mode === 'enforce' ? 'will refuse to deliver there' : 'report failures'}`, { mode, mx: policy.mx, uncovered }, {
      en: `Add mx: ${uncovered.join(' / mx: ')} to the policy and change the id in ${name}.`,
      ja: `ポリシーに mx: ${uncovered.join(' / mx: ')} を追加し、${name} の id を変更してください。`,
    }))
  } else {
    results.push(checkResult('mta-sts.policy', mode === 'none' ? 'warn' : 'pass', `MTA-STS policy of ${domain}: mode ${mode}${mode === 'testing' ? ' (failures reported, mail still delivered)' : ''}`, { mode, mx: policy.mx }, mode === 'none' ? {
      en: `Set mode: testing (then enforce) in the MTA-STS policy of ${domain}.`,
      ja: `${domain} の MTA-STS ポリシーを mode: testing（その後 enforce）にしてください。`,
    } : undefined))
  }
  return results
}
