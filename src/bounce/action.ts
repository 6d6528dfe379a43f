/**
 * What todoku does, or asks the sender to do, about a failure. The vocabulary of
 * `../shared/corpus/replies/README.md`.
 */
export type Action =
  /** transient; normal retry schedule, no rate change */
  | 'retry_later'
  /** lower rate/concurrency for this (egress IP, provider) pair; a throttle signal for warm-up */
  | 'slow_down'
  /** reputation signal: pause this IP→provider lane for hours, resume one warm-up level lower */
  | 'pause_and_reduce'
  /** suppress the recipient now (recipient-level permanent failure) */
  | 'suppress_address'
  /** recipient-level soft failure (quota and the like): retry over days, then suppress */
  | 'retry_then_suppress'
  /** SPF/DKIM/DMARC/alignment must be fixed; stop bulk to that provider until fixed */
  | 'fix_auth'
  /** PTR/FCrDNS/HELO/sender-domain DNS must be fixed */
  | 'fix_dns'
  /** enable or repair STARTTLS (certificate, ciphers) */
  | 'fix_tls'
  /** message format, size or header problem */
  | 'fix_message'
  /** content, URL or attachment judged spam or dangerous */
  | 'review_content'
  /** IP or domain listed on a provider list or public DNSBL; delist through the reply's link */
  | 'request_delist'
  /** our own MTA, protocol, relay or auth configuration is wrong */
  | 'fix_mta_config'
  /** the recipient organisation's policy or allow-list; only the recipient side can fix it */
  | 'contact_recipient_admin'
  /** not a failure (delivered, auto-reply); nothing to do */
  | 'none'

export const ACTIONS: readonly Action[] = [
  'retry_later', 'slow_down', 'pause_and_reduce', 'suppress_address', 'retry_then_suppress',
  'fix_auth', 'fix_dns', 'fix_tls', 'fix_message', 'review_content', 'request_delist',
  'fix_mta_config', 'contact_recipient_admin', 'none',
]

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS)

export const Action = {
  is(value: unknown): value is Action {
    return typeof value === 'string' && ACTION_SET.has(value)
  },
}
