/**
 * Why a delivery failed, in Sisimai's vocabulary (newest names), plus todoku's `greylisted`.
 * Sisimai's renamed reasons fold in: `toomanyconn`/`speeding` → `ratelimited`,
 * `mesgtoobig`/`exceedlimit` → `emailtoolarge`, `relayingdenied` → `norelaying`.
 */
export type Reason =
  /** SPF, DKIM or DMARC authentication failed */
  | 'authfailure'
  /** the sending IP's or domain's reputation is too low */
  | 'badreputation'
  /** the client IP or hostname is blocked (blocklist, dynamic IP, policy) */
  | 'blocked'
  /** the message's header format or encoding was refused */
  | 'contenterror'
  /** not a failure: a success DSN */
  | 'delivered'
  /** the message exceeded a recipient-side limit (was `exceedlimit`) */
  | 'emailtoolarge'
  /** the sending MTA gave up after retrying for its queue lifetime */
  | 'expired'
  /** STARTTLS was required, failed or unsupported */
  | 'failedstarttls'
  /** not a failure: an ARF feedback-loop complaint */
  | 'feedback'
  /** refused by a recipient-side filter after DATA */
  | 'filtered'
  /** deliberately deferred first attempt (todoku extension) */
  | 'greylisted'
  /** the mailbox has moved and mail is not forwarded (5.1.6) */
  | 'hasmoved'
  /** the recipient domain does not exist or has no usable MX/A (5.1.2) */
  | 'hostunknown'
  /** the recipient's mailbox is full (5.2.2) */
  | 'mailboxfull'
  /** a local mailer program (pipe, LDA) exited with an error */
  | 'mailererror'
  /** DNS lookup, connection, routing or loop problem */
  | 'networkerror'
  /** relaying denied */
  | 'norelaying'
  /** the destination accepts no mail at all (null MX, 521, 556) */
  | 'notaccept'
  /** the message is not RFC 5322/5321 compliant */
  | 'notcompliantrfc'
  /** too little information to decide */
  | 'onhold'
  /** a receiver policy refused it (content, attachment, organisation rules) */
  | 'policyviolation'
  /** rate, volume or connection limits */
  | 'ratelimited'
  /** the envelope sender (MAIL FROM) was refused */
  | 'rejected'
  /** the sending IP has no or a mismatching PTR record */
  | 'requireptr'
  /** authentication required, TLS or other security refusal */
  | 'securityerror'
  /** judged spam by content */
  | 'spamdetected'
  /** not sent: the recipient is on the sender's suppression list */
  | 'suppressed'
  /** the recipient's account is suspended or disabled */
  | 'suspend'
  /** SMTP command syntax error in the session */
  | 'syntaxerror'
  /** a system error on the remote host */
  | 'systemerror'
  /** the remote host's disk or spool is full */
  | 'systemfull'
  /** no reason could be detected */
  | 'undefined'
  /** the recipient's local part does not exist (5.1.1) */
  | 'userunknown'
  /** not a failure: an auto-reply (RFC 3834) */
  | 'vacation'
  /** the receiver's virus scanner refused it */
  | 'virusdetected'

export const REASONS: readonly Reason[] = [
  'authfailure', 'badreputation', 'blocked', 'contenterror', 'delivered', 'emailtoolarge',
  'expired', 'failedstarttls', 'feedback', 'filtered', 'greylisted', 'hasmoved', 'hostunknown',
  'mailboxfull', 'mailererror', 'networkerror', 'norelaying', 'notaccept', 'notcompliantrfc',
  'onhold', 'policyviolation', 'ratelimited', 'rejected', 'requireptr', 'securityerror',
  'spamdetected', 'suppressed', 'suspend', 'syntaxerror', 'systemerror', 'systemfull',
  'undefined', 'userunknown', 'vacation', 'virusdetected',
]

const REASON_SET: ReadonlySet<string> = new Set(REASONS)

/** Sisimai's older names for the same reasons. */
export const REASON_ALIASES: Readonly<Record<string, Reason>> = {
  toomanyconn: 'ratelimited',
  speeding: 'ratelimited',
  mesgtoobig: 'emailtoolarge',
  exceedlimit: 'emailtoolarge',
  relayingdenied: 'norelaying',
}

export const Reason = {
  is(value: unknown): value is Reason {
    return typeof value === 'string' && REASON_SET.has(value)
  },
  /** A reason name, with Sisimai's older names folded in; undefined when unknown. */
  parse(value: string): Reason | undefined {
    const name = value.trim().toLowerCase()
    return REASON_SET.has(name) ? (name as Reason) : REASON_ALIASES[name]
  },
  /** Reasons that are not failures: no hard/soft value. */
  isNotFailure(reason: Reason): boolean {
    return reason === 'delivered' || reason === 'feedback' || reason === 'vacation'
  },
}

/**
 * Whether the *address* is bad, in Sisimai's sense: userunknown, hostunknown and hasmoved
 * always; notaccept when the code is 5xx or absent. Everything else is soft: a permanent
 * policy rejection is the sender's problem, not the recipient's. `null` for non-failures.
 */
export function isHardBounce(reason: Reason, statusOrCode?: string): boolean | null {
  if (Reason.isNotFailure(reason)) return null
  if (reason === 'userunknown' || reason === 'hostunknown' || reason === 'hasmoved') return true
  if (reason === 'notaccept') return !(statusOrCode ?? '').startsWith('4')
  return false
}
