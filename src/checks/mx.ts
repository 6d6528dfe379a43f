// MX and A/AAAA: the sending domain and the bounce domain must be able to receive mail
// (receivers refuse senders whose domain cannot: RFC 7505 §4.2 "5.7.27 sender address has
// null MX"), and the bounce domain's MX must reach todoku's inbound host, or bounces are lost.
import type { DnsFailure, MxRecord } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'

export interface MxObservation {
  readonly domain: string
  readonly mx: readonly MxRecord[] | DnsFailure
  readonly a: readonly string[] | DnsFailure
  readonly aaaa: readonly string[] | DnsFailure
  /** each MX host's addresses (A and AAAA together), or the failure of both */
  readonly hostAddresses: Readonly<Record<string, readonly string[] | DnsFailure>>
}

export interface MxExpectation {
  /** 'sending' (the From domain) or 'bounce' (the MAIL FROM domain) */
  readonly role: 'sending' | 'bounce'
  /** the host the bounce domain's MX must name (todoku's inbound host), when configured */
  readonly expectedMx?: string
}

const isVoid = (failure: DnsFailure) => failure === 'NXDOMAIN' || failure === 'NODATA'

/** The MX checks of one domain. Pure. */
export function evaluateMx(observed: MxObservation, want: MxExpectation): CheckResult[] {
  const { domain } = observed
  const id = `mx:${domain}`
  const role = want.role === 'bounce' ? 'bounce domain' : 'sending domain'
  const target = want.expectedMx ?? `mx.${domain}`
  const addMx = {
    en: `Publish MX 10 ${target}. at ${domain}${want.role === 'bounce' ? ' (todoku’s inbound host, so bounces and reports come back)' : ''}.`,
    ja: `${domain} に MX 10 ${target}. を公開してください${want.role === 'bounce' ? '（バウンスやレポートを todoku が受け取るため）' : ''}。`,
  }
  if (typeof observed.mx === 'string') {
    if (!isVoid(observed.mx)) return [checkResult(id, 'error', `MX of ${domain}: look-up failed (${observed.mx})`, { failure: observed.mx })]
    const hasAddress = Array.isArray(observed.a) || Array.isArray(observed.aaaa)
    if (observed.mx === 'NXDOMAIN') return [checkResult(id, 'fail', `${role} ${domain} does not exist in DNS`, { failure: 'NXDOMAIN' }, addMx)]
    if (want.role === 'bounce' && want.expectedMx !== undefined) return [checkResult(id, 'fail', `${role} ${domain} has no MX record`, { failure: observed.mx }, addMx)]
    return [hasAddress
      ? checkResult(id, 'warn', `${role} ${domain} has no MX; mail to it goes to its A/AAAA address (RFC 5321 §5.1)`, { a: observed.a, aaaa: observed.aaaa }, addMx)
      : checkResult(id, 'fail', `${role} ${domain} has neither MX nor A/AAAA: it cannot receive mail, and receivers refuse mail from it`, {}, addMx)]
  }
  const hosts = [...observed.mx].sort((x, y) => x.priority - y.priority)
  if (hosts.length === 1 && (hosts[0]?.exchange === '' || hosts[0]?.exchange === '.')) {
    return [checkResult(id, 'fail', `${role} ${domain} has a null MX (RFC 7505): it accepts no mail, and receivers refuse mail from it (5.7.27)`, { mx: hosts }, {
      en: `Replace the null MX of ${domain} with MX 10 ${target}.`,
      ja: `${domain} の null MX を MX 10 ${target}. に置き換えてください。`,
    })]
  }
  const results: CheckResult[] = []
  const evidence = { mx: hosts.map((host) => `${host.priority} ${host.exchange}`) }
  if (want.role === 'bounce' && want.expectedMx !== undefined && !hosts.some((host) => host.exchange.toLowerCase() === want.expectedMx?.toLowerCase())) {
    results.push(checkResult(id, 'fail', `MX of ${role} ${domain} (${evidence.mx.join(', ')}) does not name todoku's host ${want.expectedMx}: bounces will not reach todoku`, evidence, addMx))
  } else {
    results.push(checkResult(id, 'pass', `MX of ${role} ${domain}: ${evidence.mx.join(', ')}`, evidence))
  }
  for (const host of hosts) {
    const addresses = observed.hostAddresses[host.exchange]
    if (addresses === undefined || Array.isArray(addresses)) continue
    const failure = addresses as DnsFailure
    results.push(isVoid(failure)
      ? checkResult(`mx.host:${host.exchange}`, 'fail', `MX host ${host.exchange} of ${domain} has no A/AAAA address`, { failure }, {
        en: `Publish an A (and AAAA) record for ${host.exchange}, or remove it from the MX of ${domain}.`,
        ja: `${host.exchange} の A（と AAAA）レコードを公開するか、${domain} の MX から外してください。`,
      })
      : checkResult(`mx.host:${host.exchange}`, 'error', `MX host ${host.exchange}: address look-up failed (${failure})`, { failure }))
  }
  return results
}
