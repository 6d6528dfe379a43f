// DKIM: the key published at each selector is todoku's key (RFC 6376 §3.6.1), and strong
// enough (RFC 8301 §3.2: RSA ≥ 1024, 2048 recommended; Gmail asks for ≥ 1024 and recommends 2048).
import { createPublicKey } from 'node:crypto'
import type { DnsFailure } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'
import { parseTagList } from './tag-list.ts'

/** Where a key stands in rotation: signing now, published-before-use, or kept for the grace period. */
export type DkimKeyState = 'active' | 'pending' | 'retiring'

export interface DkimExpectation {
  readonly domain: string
  readonly selector: string
  readonly algorithm: 'rsa-sha256' | 'ed25519-sha256'
  /** todoku's record for the key: `v=DKIM1; k=rsa; p=…` (dkimDnsRecord of the stored private key) */
  readonly expectedRecord: string
  readonly state: DkimKeyState
}

/** RSA below this fails (RFC 8301 §3.2: verifiers MUST NOT accept shorter). */
export const MIN_DKIM_RSA_BITS = 1024
/** RSA below this warns (RFC 8301 §3.2 and Gmail recommend 2048). */
export const RECOMMENDED_DKIM_RSA_BITS = 2048

/** The TXT answers at `<selector>._domainkey.<domain>` against todoku's key. Pure. */
export function evaluateDkim(published: readonly (readonly string[])[] | DnsFailure, want: DkimExpectation): CheckResult[] {
  // every result says which key it is about and where that key stands in rotation
  return evaluateDkimKey(published, want).map((result) => ({ ...result, evidence: { ...result.evidence, selector: want.selector, algorithm: want.algorithm, state: want.state } }))
}

function evaluateDkimKey(published: readonly (readonly string[])[] | DnsFailure, want: DkimExpectation): CheckResult[] {
  const name = `${want.selector}._domainkey.${want.domain}`
  const id = `dkim.key:${want.selector}`
  const publish = {
    en: `Publish TXT ${name} with: ${want.expectedRecord}`,
    ja: `TXT レコード ${name} に次の値を公開してください: ${want.expectedRecord}`,
  }
  // a retiring key may be removed: its absence is only information
  const missing = want.state === 'retiring' ? 'info' : 'fail'
  if (typeof published === 'string') {
    if (published === 'NXDOMAIN' || published === 'NODATA') {
      return [checkResult(id, missing, `DKIM ${want.selector} (${want.algorithm}, ${want.state}): no key record at ${name}`, { name, failure: published }, publish)]
    }
    return [checkResult(id, 'error', `DKIM ${want.selector}: looking up ${name} failed (${published})`, { name, failure: published })]
  }
  const records = published.map((strings) => strings.join(''))
  const keyRecords = records.filter((record) => /^\s*(v\s*=\s*DKIM1\s*;|k\s*=|p\s*=)/i.test(record) || /(?:^|;)\s*p\s*=/.test(record))
  if (keyRecords.length === 0) {
    return [checkResult(id, missing, `DKIM ${want.selector}: ${name} has no DKIM key record`, { name, records }, publish)]
  }
  const expectedP = parseTagList(want.expectedRecord)?.p ?? ''
  const tags = keyRecords.map((record) => parseTagList(record))
  const matching = tags.find((t) => t !== undefined && (t.p ?? '').replace(/\s+/g, '') === expectedP)
  if (matching === undefined) {
    const first = tags[0]
    const why = first === undefined ? 'the record is not a valid tag-list' : (first.p ?? '') === '' ? 'the key is revoked (empty p=)' : 'its p= is a different key'
    return [checkResult(id, want.state === 'retiring' ? 'warn' : 'fail', `DKIM ${want.selector}: the key at ${name} is not todoku's: ${why}`, { name, records }, {
      en: `Replace TXT ${name} with: ${want.expectedRecord}`,
      ja: `TXT レコード ${name} を次の値に置き換えてください: ${want.expectedRecord}`,
    })]
  }
  const results = [checkResult(id, 'pass', `DKIM ${want.selector} (${want.algorithm}, ${want.state}): published key matches todoku's`, { name })]
  if (want.algorithm === 'rsa-sha256') results.push(evaluateRsaLength(want.selector, expectedP))
  return results
}

function evaluateRsaLength(selector: string, p: string): CheckResult {
  const id = `dkim.length:${selector}`
  let bits = 0
  try {
    bits = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength ?? 0
  } catch {
    return checkResult(id, 'fail', `DKIM ${selector}: p= is not an RSA public key`, {}, {
      en: 'Regenerate the key with `todoku domain rotate-keys`.',
      ja: '`todoku domain rotate-keys` で鍵を作り直してください。',
    })
  }
  const rotate = {
    en: `Rotate to a ${RECOMMENDED_DKIM_RSA_BITS}-bit key: todoku domain rotate-keys, publish, then domain check --activate.`,
    ja: `${RECOMMENDED_DKIM_RSA_BITS} ビットの鍵に切り替えてください: todoku domain rotate-keys → DNS に公開 → domain check --activate。`,
  }
  if (bits < MIN_DKIM_RSA_BITS) return checkResult(id, 'fail', `DKIM ${selector}: RSA ${bits} bits, below ${MIN_DKIM_RSA_BITS} (RFC 8301)`, { bits }, rotate)
  if (bits < RECOMMENDED_DKIM_RSA_BITS) return checkResult(id, 'warn', `DKIM ${selector}: RSA ${bits} bits; ${RECOMMENDED_DKIM_RSA_BITS} recommended`, { bits }, rotate)
  return checkResult(id, 'pass', `DKIM ${selector}: RSA ${bits} bits`, { bits })
}
