// PTR and forward-confirmed reverse DNS for each egress IP (Gmail and Yahoo require it: "The
// sending IP address must match the IP address of the hostname specified in the Pointer (PTR)
// record"), and the PTR name should be the EHLO name the source gives.
import type { DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'

export interface PtrObservation {
  readonly ip: string
  readonly ptr: readonly string[] | DnsFailure
  /** the addresses of each PTR name (A for IPv4 sources, AAAA for IPv6) */
  readonly forward: Readonly<Record<string, readonly string[] | DnsFailure>>
}

/** Canonical text of an address, so '2001:DB8:0::1' equals '2001:db8::1'. */
function sameAddress(x: string, y: string): boolean {
  if (!x.includes(':')) return x === y
  const expand = (address: string) => {
    const [head = '', tail = ''] = address.toLowerCase().split('::')
    const h = head === '' ? [] : head.split(':')
    const t = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
    return [...h, ...Array.from({ length: 8 - h.length - t.length }, () => '0'), ...t].map((g) => g.replace(/^0+(?=.)/, '')).join(':')
  }
  return expand(x) === expand(y)
}

/** PTR, FCrDNS and EHLO-name match of one egress IP. Pure. */
export function evaluatePtr(observed: PtrObservation, want: { readonly ehloName: string }): CheckResult[] {
  const { ip } = observed
  const id = `ptr:${ip}`
  const askProvider = {
    en: `Ask the owner of ${ip} (your hosting provider or ISP) to set its PTR to ${want.ehloName}, and publish ${want.ehloName} ${ip.includes(':') ? 'AAAA' : 'A'} ${ip}.`,
    ja: `${ip} の管理者（ホスティング事業者や ISP）に PTR を ${want.ehloName} に設定してもらい、${want.ehloName} の ${ip.includes(':') ? 'AAAA' : 'A'} レコードを ${ip} で公開してください。`,
  }
  if (typeof observed.ptr === 'string') {
    if (observed.ptr !== 'NXDOMAIN' && observed.ptr !== 'NODATA') return [checkResult(id, 'error', `PTR of ${ip}: look-up failed (${observed.ptr})`, { failure: observed.ptr })]
    return [checkResult(id, 'fail', `${ip} has no PTR record (Gmail: 5.7.25, Yahoo and most receivers reject or junk such mail)`, { failure: observed.ptr }, askProvider)]
  }
  const names = observed.ptr.map((name) => name.toLowerCase().replace(/\.$/, ''))
  const confirmed = names.filter((name) => {
    const addresses = observed.forward[name]
    return Array.isArray(addresses) && addresses.some((address: string) => sameAddress(address, ip))
  })
  const results: CheckResult[] = []
  if (confirmed.length === 0) {
    results.push(checkResult(id, 'fail', `${ip}: PTR ${names.join(', ')} does not resolve back to ${ip} (no forward-confirmed reverse DNS)`, { ptr: names, forward: observed.forward }, {
      en: `Publish ${names[0] ?? want.ehloName} ${ip.includes(':') ? 'AAAA' : 'A'} ${ip}, so the PTR name points back to the IP.`,
      ja: `${names[0] ?? want.ehloName} の ${ip.includes(':') ? 'AAAA' : 'A'} レコードに ${ip} を公開し、PTR 名から IP に戻れるようにしてください。`,
    }))
  } else {
    results.push(checkResult(id, 'pass', `${ip}: PTR ${confirmed.join(', ')}, forward-confirmed`, { ptr: names }))
  }
  const ehlo = want.ehloName.toLowerCase()
  results.push(names.includes(ehlo)
    ? checkResult(`ptr.ehlo:${ip}`, 'pass', `${ip}: PTR matches the EHLO name ${want.ehloName}`, { ptr: names, ehloName: want.ehloName })
    : checkResult(`ptr.ehlo:${ip}`, 'warn', `${ip}: PTR ${names.join(', ')} differs from the EHLO name ${want.ehloName}`, { ptr: names, ehloName: want.ehloName }, {
      en: confirmed.length > 0 ? `Set egress.sources ehloName of ${ip} to ${confirmed[0]} in the todoku config (or change the PTR to ${want.ehloName}).` : askProvider.en,
      ja: confirmed.length > 0 ? `todoku の設定で ${ip} の egress.sources ehloName を ${confirmed[0]} にしてください（または PTR を ${want.ehloName} に変更）。` : askProvider.ja,
    }))
  return results
}
