/**
 * What one check found:
 * - `pass`: as it should be
 * - `fail`: breaks delivery or a provider requirement; `todoku domain check` exits non-zero
 * - `warn`: works, but weaker than it should be (a 1024-bit key, `p=none` for ever)
 * - `info`: a fact to know, nothing to fix here (a content matter checked per message)
 * - `error`: the check could not be made (a DNS timeout, a blocklist refusing our resolver):
 *   neither a pass nor a fail, and never read as a listing
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info' | 'error'

export const CHECK_STATUSES: readonly CheckStatus[] = ['pass', 'fail', 'warn', 'info', 'error']

/** What to do about a failure, in English and Japanese. */
export interface Fix {
  readonly en: string
  readonly ja: string
}

/**
 * One check's verdict. `id` is stable and names the subject too (`spf.authorized:192.0.2.10`,
 * `dkim.key:td202511r`, `dnsbl.ip:zen.spamhaus.org:192.0.2.10`), so a monitor can tell when
 * the same check changes status. `evidence` holds the DNS answers it read.
 */
export interface CheckResult {
  readonly id: string
  readonly status: CheckStatus
  readonly summary: string
  readonly fix?: Fix
  readonly evidence: Readonly<Record<string, unknown>>
}

/** Every check of one domain at one time. */
export interface DomainReport {
  readonly domain: string
  readonly checkedAtMs: number
  /** the worst status of any check: fail > error > warn > pass (info counts as pass) */
  readonly status: 'pass' | 'warn' | 'fail' | 'error'
  readonly checks: readonly CheckResult[]
}

export function checkResult(id: string, status: CheckStatus, summary: string, evidence: Readonly<Record<string, unknown>>, fix?: Fix): CheckResult {
  return fix === undefined || status === 'pass' || status === 'info' ? { id, status, summary, evidence } : { id, status, summary, fix, evidence }
}

/** The report's status: fail beats error beats warn; pass and info are pass. */
export function overallStatus(checks: readonly CheckResult[]): DomainReport['status'] {
  if (checks.some((check) => check.status === 'fail')) return 'fail'
  if (checks.some((check) => check.status === 'error')) return 'error'
  if (checks.some((check) => check.status === 'warn')) return 'warn'
  return 'pass'
}
