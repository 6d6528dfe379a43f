// BIMI (draft-brand-indicators-for-message-identification): `default._bimi.<domain>` TXT
// `v=BIMI1; l=https://….svg; a=https://….pem`. Syntax only: the logo and its certificate are
// not fetched. Optional: absence is information, not a failure.
import type { DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'
import { parseTagList } from './tag-list.ts'

/** The BIMI record check (syntax only). Pure. */
export function evaluateBimi(txt: readonly (readonly string[])[] | DnsFailure, want: { readonly domain: string }): CheckResult[] {
  const name = `default._bimi.${want.domain}`
  if (typeof txt === 'string') {
    if (txt === 'NXDOMAIN' || txt === 'NODATA') return [checkResult('bimi.record', 'info', `BIMI: no record at ${name} (optional; needs DMARC p=quarantine or reject)`, { failure: txt })]
    return [checkResult('bimi.record', 'error', `BIMI: looking up ${name} failed (${txt})`, { failure: txt })]
  }
  const records = txt.map((strings) => strings.join('')).filter((record) => /^v=BIMI1\s*(?:;|$)/i.test(record))
  if (records.length === 0) return [checkResult('bimi.record', 'info', `BIMI: no v=BIMI1 record at ${name}`, {})]
  const tags = parseTagList(records[0] as string)
  const fix = {
    en: `Publish TXT ${name}: v=BIMI1; l=https://<your host>/logo.svg (SVG Tiny PS); a=https://<your host>/vmc.pem (optional)`,
    ja: `TXT レコード ${name}: v=BIMI1; l=https://<ホスト>/logo.svg（SVG Tiny PS）; a=https://<ホスト>/vmc.pem（任意）を公開してください。`,
  }
  if (records.length > 1 || tags === undefined) return [checkResult('bimi.record', 'fail', `BIMI record at ${name} is not valid (${records.length > 1 ? 'more than one record' : 'not a tag-list'})`, { records }, fix)]
  const problems: string[] = []
  if (tags.l !== undefined && tags.l !== '' && !/^https:\/\/\S+$/i.test(tags.l)) problems.push(`l=${tags.l}: expected an https: URL`)
  if (tags.a !== undefined && tags.a !== '' && !/^https:\/\/\S+$/i.test(tags.a)) problems.push(`a=${tags.a}: expected an https: URL`)
  if (tags.l === undefined) problems.push('no l= (logo URL)')
  return problems.length === 0
    ? [checkResult('bimi.record', 'pass', `BIMI record at ${name}: logo ${tags.l || '(declined)'}`, { record: records[0] })]
    : [checkResult('bimi.record', 'fail', `BIMI record at ${name}: ${problems.join('; ')}`, { record: records[0], problems }, fix)]
}
