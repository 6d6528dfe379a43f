// DNS blocklists (RFC 5782): the name to ask for an IP or a domain on a list, and what the
// list's answer means. A listing is a fail with the list's meaning; an answer in the error
// range (Spamhaus 127.255.255.x: refused, over limit, public resolver) is an ERROR of the
// query, never a listing; NXDOMAIN is "not listed".
import { reverseName, type DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'

export interface DnsblList {
  readonly name: string
  /** 'zen.spamhaus.org' */
  readonly zone: string
  /** the operator's page that documents the return codes */
  readonly source: string
  readonly enabled: boolean
  /** the answers (127.0.0.x) that are listings, each with its meaning */
  readonly listed: Readonly<Record<string, string>>
  /** the answers that are errors of the query, each with its meaning */
  readonly errors: Readonly<Record<string, string>>
  /** SURBL: the last octet is a bitmask of lists */
  readonly bitmask?: boolean
}

/** The name to ask: '192.0.2.99' → '99.2.0.192.zen.spamhaus.org' (RFC 5782 §2.1, §2.4); a domain → 'example.com.dbl.spamhaus.org'. */
export function dnsblQueryName(subject: string, zone: string): string {
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(subject) || subject.includes(':')
  if (!isIp) return `${subject.toLowerCase().replace(/\.$/, '')}.${zone}`
  const reversed = reverseName(subject)
  return `${reversed.slice(0, reversed.lastIndexOf(subject.includes(':') ? '.ip6.arpa' : '.in-addr.arpa'))}.${zone}`
}

/** Whether an answer is an error of the query whatever the list says: 127.255.255.0/24 (Spamhaus), 127.0.0.1 (RFC 5782 §5), outside 127/8 (a resolver rewriting NXDOMAIN). */
function isErrorAnswer(address: string): boolean {
  return address.startsWith('127.255.255.') || address === '127.0.0.1' || !address.startsWith('127.')
}

/** The verdict for one subject on one list, from the A answers (or the failure). Pure. */
export function evaluateDnsbl(answer: readonly string[] | DnsFailure, list: DnsblList, subject: string): CheckResult {
  const kind = subject.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(subject) && !subject.includes(':') ? 'domain' : 'ip'
  const id = `dnsbl.${kind}:${list.zone}:${subject}`
  const query = dnsblQueryName(subject, list.zone)
  if (typeof answer === 'string') {
    if (answer === 'NXDOMAIN' || answer === 'NODATA') return checkResult(id, 'pass', `${subject}: not listed on ${list.name}`, { list: list.name, query, answer })
    return checkResult(id, 'error', `${subject} on ${list.name}: the query failed (${answer}); listing unknown`, { list: list.name, query, answer })
  }
  const errors = answer.filter((address) => list.errors[address] !== undefined || isErrorAnswer(address))
  if (errors.length > 0) {
    const meanings = errors.map((address) => `${address}: ${list.errors[address] ?? (address.startsWith('127.255.255.') ? 'an error code of the list' : address === '127.0.0.1' ? 'not a listing (RFC 5782 §5): the list refused the query' : 'not a blocklist answer: a resolver may be rewriting NXDOMAIN')}`)
    return checkResult(id, 'error', `${subject} on ${list.name}: the list answered with an error, not a listing (${meanings.join('; ')})`, { list: list.name, query, answer, source: list.source }, {
      en: `Query ${list.name} through your own recursive resolver (config dns.servers), not a public one; for volume or commercial use, use the operator's paid access (Spamhaus DQS).`,
      ja: `${list.name} への問い合わせは公開リゾルバではなく自前の再帰リゾルバ（設定 dns.servers）経由で行ってください。大量・商用利用では事業者の有償サービス（Spamhaus DQS など）を使ってください。`,
    })
  }
  const meanings = answer.flatMap((address) => meaningsOf(address, list))
  return checkResult(id, 'fail', `${subject} is LISTED on ${list.name}: ${meanings.join('; ')}`, { list: list.name, query, answer, meanings, source: list.source }, {
    en: `Find and stop the cause (${meanings.join('; ')}), then request delisting from ${list.name} (${list.source}); todoku holds mail from a listed IP.`,
    ja: `原因（${meanings.join('; ')}）を特定して止めてから、${list.name} に削除を申請してください（${list.source}）。掲載中の IP からの送信は todoku が保留します。`,
  })
}

function meaningsOf(address: string, list: DnsblList): string[] {
  const direct = list.listed[address]
  if (direct !== undefined) return [`${address} ${direct}`]
  if (list.bitmask === true) {
    const bits = Number(address.split('.')[3])
    const found = Object.entries(list.listed).filter(([code]) => (Number(code.split('.')[3]) & bits) !== 0).map(([code, meaning]) => `${code} ${meaning}`)
    if (found.length > 0) return found
  }
  return [`${address} (a code ${list.name} does not document here)`]
}
