// DMARC (RFC 7489; RFC 9989 where it agrees): the record at _dmarc.<From domain> (or its
// organizational domain), its policy and reporting address, and whether todoku's mail aligns:
// the From domain with the return path (SPF) and with the DKIM d= domain.
import { getDomain } from 'tldts'
import type { DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'
import { parseTagList } from './tag-list.ts'

/**
 * The organizational domain (RFC 7489 §3.2) from the Public Suffix List (tldts, ICANN and
 * private sections): 'mail.example.co.jp' → 'example.co.jp'. The name itself when it has none.
 */
export function organizationalDomain(domain: string): string {
  const lower = domain.toLowerCase().replace(/\.$/, '')
  return getDomain(lower, { allowPrivateDomains: true }) ?? lower
}

/** RFC 7489 §3.1: relaxed = same organizational domain; strict = identical. */
export function isAligned(fromDomain: string, otherDomain: string, mode: 'r' | 's'): boolean {
  const from = fromDomain.toLowerCase()
  const other = otherDomain.toLowerCase()
  return mode === 's' ? from === other : organizationalDomain(from) === organizationalDomain(other)
}

export interface DmarcObservation {
  /** TXT answers at _dmarc.<from domain>, or the failure */
  readonly atDomain: readonly (readonly string[])[] | DnsFailure
  /** TXT answers at _dmarc.<organizational domain> when it differs and the first had no record */
  readonly atOrganizationalDomain?: readonly (readonly string[])[] | DnsFailure
}

export interface DmarcExpectation {
  /** the From: domain of todoku's mail (the sending domain) */
  readonly domain: string
  /** the MAIL FROM domain (VERP bounce domain) */
  readonly returnPathDomain: string
  /** the d= of todoku's DKIM signatures */
  readonly dkimDomain: string
  /** where todoku reads aggregate reports: `mailto:dmarc@bounce.example.com` */
  readonly suggestedRua: string
}

export interface DmarcRecord {
  readonly tags: Readonly<Record<string, string>>
  readonly p: string
  readonly adkim: 'r' | 's'
  readonly aspf: 'r' | 's'
  readonly pct: number
  readonly rua: readonly string[]
}

const POLICIES = new Set(['none', 'quarantine', 'reject'])

/** `v=DMARC1; p=none; rua=mailto:…` → the record; a reason string when it is not valid. */
export function parseDmarcRecord(text: string): DmarcRecord | string {
  const tags = parseTagList(text)
  if (tags === undefined) return 'not a tag-list (tag=value; …)'
  if (tags.v !== 'DMARC1') return 'the first tag must be v=DMARC1'
  if (!text.trim().toLowerCase().startsWith('v=dmarc1')) return 'v=DMARC1 must come first'
  const p = (tags.p ?? '').toLowerCase()
  if (!POLICIES.has(p)) return `p=${tags.p ?? '(missing)'}: expected none, quarantine or reject`
  const mode = (value: string | undefined, tag: string): 'r' | 's' | string => {
    const lower = (value ?? 'r').toLowerCase()
    return lower === 'r' || lower === 's' ? lower : `${tag}=${value}: expected r or s`
  }
  const adkim = mode(tags.adkim, 'adkim')
  const aspf = mode(tags.aspf, 'aspf')
  if (adkim.length > 1) return adkim
  if (aspf.length > 1) return aspf
  const pct = tags.pct === undefined ? 100 : Number(tags.pct)
  if (!(Number.isInteger(pct) && pct >= 0 && pct <= 100)) return `pct=${tags.pct}: expected 0–100`
  const rua = (tags.rua ?? '').split(',').map((uri) => uri.trim()).filter((uri) => uri !== '')
  return { tags, p, adkim: adkim as 'r' | 's', aspf: aspf as 'r' | 's', pct, rua }
}

function dmarcTxt(answers: readonly (readonly string[])[]): string[] {
  return answers.map((strings) => strings.join('')).filter((record) => /^v\s*=\s*DMARC1/i.test(record))
}

/** The DMARC checks from the observed records. Pure. */
export function evaluateDmarc(observed: DmarcObservation, want: DmarcExpectation): CheckResult[] {
  const suggestion = `v=DMARC1; p=none; rua=${want.suggestedRua}`
  const name = `_dmarc.${want.domain}`
  const publish = {
    en: `Publish TXT ${name}: ${suggestion}`,
    ja: `TXT レコード ${name} を公開してください: ${suggestion}`,
  }
  let found: { readonly at: string; readonly records: string[] } | undefined
  for (const [at, answer] of [[name, observed.atDomain], [`_dmarc.${organizationalDomain(want.domain)}`, observed.atOrganizationalDomain]] as const) {
    if (answer === undefined) continue
    if (typeof answer === 'string') {
      if (answer === 'NXDOMAIN' || answer === 'NODATA') continue
      return [checkResult('dmarc.record', 'error', `DMARC: looking up ${at} failed (${answer})`, { name: at, failure: answer })]
    }
    const records = dmarcTxt(answer)
    if (records.length > 0) {
      found = { at, records }
      break
    }
  }
  if (found === undefined) return [checkResult('dmarc.record', 'fail', `DMARC: no record at ${name}`, { name }, publish)]
  if (found.records.length > 1) {
    return [checkResult('dmarc.record', 'fail', `DMARC: ${found.records.length} records at ${found.at}; receivers ignore them all (RFC 7489 §6.6.3)`, { records: found.records }, {
      en: `Keep one v=DMARC1 record at ${found.at}: ${suggestion}`,
      ja: `${found.at} の v=DMARC1 レコードを 1 つにしてください: ${suggestion}`,
    })]
  }
  const text = found.records[0] as string
  const record = parseDmarcRecord(text)
  if (typeof record === 'string') {
    return [checkResult('dmarc.record', 'fail', `DMARC record at ${found.at} is not valid: ${record}`, { record: text }, {
      en: `Correct TXT ${found.at} (${record}), e.g. ${suggestion}`,
      ja: `TXT レコード ${found.at} を修正してください（${record}）。例: ${suggestion}`,
    })]
  }
  const results: CheckResult[] = [checkResult('dmarc.record', 'pass', `DMARC record at ${found.at}: ${text}`, { name: found.at, record: text })]
  results.push(record.p === 'none'
    ? checkResult('dmarc.policy', 'info', 'DMARC policy p=none: monitoring only (enough for Gmail, Yahoo and Outlook.com bulk senders); move to quarantine once reports show every source aligned', { p: record.p })
    : checkResult('dmarc.policy', 'pass', `DMARC policy p=${record.p}`, { p: record.p }))
  results.push(record.rua.length > 0
    ? checkResult('dmarc.rua', 'pass', `DMARC reports go to ${record.rua.join(', ')}`, { rua: record.rua })
    : checkResult('dmarc.rua', 'warn', 'DMARC has no rua=: no aggregate reports, so failing sources stay unseen', {}, {
      en: `Add rua=${want.suggestedRua} to ${found.at}, so todoku can read the aggregate reports.`,
      ja: `${found.at} に rua=${want.suggestedRua} を追加してください。todoku が集計レポートを読めるようになります。`,
    }))
  if (record.pct < 100) {
    results.push(checkResult('dmarc.pct', 'warn', `DMARC pct=${record.pct}: the policy applies to ${record.pct}% of failing mail`, { pct: record.pct }, {
      en: `Remove pct= (or set pct=100) at ${found.at} once you are confident.`,
      ja: `確認できたら ${found.at} の pct= を削除（または pct=100 に）してください。`,
    }))
  }
  const modeName = (mode: 'r' | 's') => (mode === 's' ? 'strict' : 'relaxed')
  results.push(isAligned(want.domain, want.returnPathDomain, record.aspf)
    ? checkResult('dmarc.align.spf', 'pass', `SPF alignment (${modeName(record.aspf)}): return path ${want.returnPathDomain} aligns with From ${want.domain}`, { aspf: record.aspf })
    : checkResult('dmarc.align.spf', 'fail', `SPF alignment (${modeName(record.aspf)}): return path ${want.returnPathDomain} does not align with From ${want.domain}`, { aspf: record.aspf, returnPathDomain: want.returnPathDomain }, {
      en: record.aspf === 's'
        ? `Set aspf=r at ${found.at}, or use ${want.domain} itself as the bounce domain.`
        : `Use a bounce domain under ${organizationalDomain(want.domain)} (e.g. bounce.${want.domain}): todoku domain add ${want.domain} --replace --bounce-domain bounce.${want.domain}`,
      ja: record.aspf === 's'
        ? `${found.at} を aspf=r にするか、バウンス用ドメインを ${want.domain} そのものにしてください。`
        : `${organizationalDomain(want.domain)} 配下のバウンス用ドメイン（例: bounce.${want.domain}）を使ってください。`,
    }))
  results.push(isAligned(want.domain, want.dkimDomain, record.adkim)
    ? checkResult('dmarc.align.dkim', 'pass', `DKIM alignment (${modeName(record.adkim)}): d=${want.dkimDomain} aligns with From ${want.domain}`, { adkim: record.adkim })
    : checkResult('dmarc.align.dkim', 'fail', `DKIM alignment (${modeName(record.adkim)}): d=${want.dkimDomain} does not align with From ${want.domain}`, { adkim: record.adkim, dkimDomain: want.dkimDomain }, {
      en: `Sign with d=${want.domain}, or set adkim=r at ${found.at}.`,
      ja: `d=${want.domain} で署名するか、${found.at} を adkim=r にしてください。`,
    }))
  return results
}
