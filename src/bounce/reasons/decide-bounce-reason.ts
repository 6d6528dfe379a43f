// Which reason a bounce's recipient failed for, decided from what the rules found in its text and
// what the bounce says around it. The order of questions follows Sisimai's decision procedure
// (Sisimai::Reason get/anotherone and each reason's true(), read in Debian's Sisimai 4.25 and
// its 5.x changes), so that our reasons diff cleanly against Sisimai's on one corpus:
//   1. a reason the bounce's format decided wins, unless it is one worth re-examining (RETRY);
//      a re-examined one still holds at its own turn in step 4;
//   2. a success status is `delivered`;
//   3. the receiving provider's own reply codes decide (its data/bounce-rules/<provider>.toml);
//   4. FIRST_PASS: each reason's test, in order: the status's meaning, the SMTP command and the
//      reason's phrases together (a user-unknown phrase after DATA is a recipient-side filter);
//   5. the status's meaning; when it has none or one worth re-examining, SECOND_PASS phrases;
//   6. fallbacks on the numbers alone: x.6.x content, x.7.x security, 50x syntax, a delayed DSN
//      expired, a refusal at HELO/EHLO blocked;
//   7. the format's retry-set reason; a bare text is `onhold`; nothing at all is `undefined`.
// Pure: facts in, decision out.
import type { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'

/** Everything the decision looks at, gathered by the classifier from the text and the bounce. */
export interface BounceFacts {
  /** what the bounce's format itself said (expired, mailererror, vacation…) */
  readonly sourceReason?: Reason
  /** the reason of the provider rule that matched, if any */
  readonly providerReason?: Reason
  /** reasons whose generic phrases matched the text */
  readonly phraseReasons: ReadonlySet<Reason>
  /** what the exact enhanced status means on its own (`5.1.1` → userunknown), '' when nothing */
  readonly statusMeaning: Reason | ''
  readonly status: string
  readonly replyCode: string
  readonly command?: SmtpCommand
  /** the DSN Action, when the bounce gives one */
  readonly dsnAction?: string
  readonly hasText: boolean
  /** what the classifier's tiers alone would say (status subject, reply code); the last resort before onhold */
  readonly tierReason?: Reason
}

/** How the reason was decided: by a rule, or by one named step of the procedure. */
export type BounceDecision =
  | { readonly reason: Reason; readonly by: 'source' | 'provider' | 'phrase' | 'status' }
  | { readonly reason: Reason; readonly by: 'step'; readonly step: string }

/**
 * Reasons worth re-examining from the text even when the format or the status gave them:
 * they name a symptom (expired, an unclassified system error) more often than a cause.
 */
export const RETRY: ReadonlySet<Reason> = new Set<Reason>([
  'undefined', 'onhold', 'systemerror', 'securityerror', 'expired', 'networkerror', 'hostunknown', 'userunknown',
])

/** Reasons tried first, each with its own test (Sisimai 5's first class order, plus todoku's own). */
const FIRST_PASS: readonly Reason[] = [
  'greylisted', 'mailboxfull', 'emailtoolarge', 'suspend', 'hasmoved', 'norelaying', 'notcompliantrfc',
  'authfailure', 'userunknown', 'filtered', 'requireptr', 'badreputation', 'contenterror',
  'rejected', 'hostunknown', 'virusdetected', 'spamdetected', 'ratelimited', 'blocked', 'failedstarttls',
]

/** Reasons tried on phrases alone when nothing in FIRST_PASS held and the status says little. */
const SECOND_PASS: readonly Reason[] = [
  'mailboxfull', 'authfailure', 'badreputation', 'ratelimited', 'spamdetected', 'virusdetected',
  'policyviolation', 'norelaying', 'systemerror', 'networkerror', 'suspend', 'contenterror',
  'systemfull', 'notaccept', 'expired', 'securityerror', 'syntaxerror', 'userunknown', 'hostunknown',
]

/**
 * Where a bounce reads an enhanced status differently from a live reply (status-codes.toml).
 * X.2.0/X.2.1/X.2.4 beside "User unknown" are recipient-side refusals (Sisimai reads 5.2.x as
 * `filtered`), and 4.4.2 "bad connection" is the network, not the queue's lifetime (RFC 3463 §3.5).
 */
const BOUNCE_STATUS_READING: Readonly<Record<string, Reason>> = {
  '5.2.0': 'filtered',
  '5.2.1': 'filtered',
  '5.2.4': 'filtered',
  '4.4.2': 'networkerror',
}

/** What the status means to a bounce: its reading here, else what the status rules say. */
export function bounceStatusMeaning(status: string, fromRules: Reason | ''): Reason | '' {
  return BOUNCE_STATUS_READING[status] ?? fromRules
}

const BEFORE_DATA: ReadonlySet<string> = new Set(['CONN', 'HELO', 'EHLO', 'MAIL', 'RCPT'])
const GREETING: ReadonlySet<string> = new Set(['CONN', 'HELO', 'EHLO'])
/** Phrases of these reasons beside a 5.1.x status mean the address is fine and something else failed. */
const NOT_THE_ADDRESS: readonly Reason[] = ['norelaying', 'blocked', 'mailboxfull', 'hasmoved', 'rejected', 'notaccept']

/** Whether `reason`'s own test holds (step 4). */
function holds(reason: Reason, f: BounceFacts): boolean {
  const phrase = f.phraseReasons.has(reason)
  const meaning = f.statusMeaning
  const command = f.command ?? ''
  switch (reason) {
    case 'norelaying':
      return phrase && !GREETING.has(command)
    case 'userunknown':
      // "550 5.1.1 <x>... User unknown": the status alone says it, unless another reason's phrase explains the 5.1.x.
      if (meaning === 'userunknown') return !NOT_THE_ADDRESS.some((other) => f.phraseReasons.has(other))
      // "User unknown" without such a status is only the address when it answered RCPT.
      return phrase && command === 'RCPT'
    case 'filtered':
      if (meaning === 'suspend') return false
      if (meaning === 'filtered') return phrase || f.phraseReasons.has('userunknown')
      // After DATA (or with no command known), a recipient "unknown" is the recipient side's filter.
      if (BEFORE_DATA.has(command)) return false
      return phrase || f.phraseReasons.has('userunknown')
    case 'rejected':
      if (meaning === 'rejected') return true
      if (!phrase) return false
      if (command === 'MAIL') return true
      if (command === 'DATA') return meaning !== 'userunknown'
      // Elsewhere only when the status says nothing more precise than "refused".
      return meaning === '' || meaning === 'onhold' || meaning === 'undefined' || meaning === 'securityerror' || meaning === 'systemerror'
    case 'hostunknown':
      // A lookup that failed ("try again", "SERVFAIL") is the network, not a missing domain; a domain
      // that takes no mail (null MX, an MX answer Postfix cannot use) exists: 5.4.4 there is notaccept.
      if (f.phraseReasons.has('networkerror') || f.phraseReasons.has('notaccept')) return false
      return meaning === 'hostunknown' || phrase
    case 'spamdetected':
      return meaning === 'spamdetected' || (phrase && !BEFORE_DATA.has(command))
    default:
      return meaning === reason || phrase
  }
}

/** Decides the reason for one recipient. */
export function decideBounceReason(f: BounceFacts): BounceDecision {
  const given = f.sourceReason
  if (given !== undefined && !RETRY.has(given)) return { reason: given, by: 'source' }
  if (f.status.startsWith('2.') && given === undefined) return { reason: 'delivered', by: 'status' }
  if (f.providerReason !== undefined) return { reason: f.providerReason, by: 'provider' }

  for (const reason of FIRST_PASS) {
    // A retried reason the format gave still passes its own test when its turn comes
    // (Sisimai's X.true() opens with "return 1 if the reason is already X"): IMail's own
    // "Unknown user:" line is the address, whatever command a reply would have needed.
    if (reason === given) return { reason, by: 'source' }
    if (holds(reason, f)) return { reason, by: f.phraseReasons.has(reason) ? 'phrase' : 'status' }
  }

  const meaning = f.statusMeaning
  if (meaning !== '' && !RETRY.has(meaning) && given === undefined) return { reason: meaning, by: 'status' }
  for (const reason of SECOND_PASS) {
    if (f.phraseReasons.has(reason)) return { reason, by: 'phrase' }
  }
  if (given !== undefined) return { reason: given, by: 'source' }
  if (meaning !== '') return { reason: meaning, by: 'status' }

  // "550 5.6.0 …", "554 5.7.9 Rejected": the status's subject says which kind of refusal.
  const subject = f.status.slice(0, 4)
  if (subject === '5.6.' || subject === '4.6.') return { reason: 'contenterror', by: 'step', step: 'status-media' }
  if (subject === '5.7.' || subject === '4.7.') return { reason: 'securityerror', by: 'step', step: 'status-security' }
  // "501 …", "500 Line limit exceeded": the command or its arguments were refused.
  if (f.replyCode.length === 3 && f.replyCode[1] === '0' && f.replyCode[2] <= '7' && (f.replyCode[0] === '5' || f.replyCode[0] === '4')) {
    return { reason: 'syntaxerror', by: 'step', step: 'reply-syntax' }
  }
  if (f.dsnAction === 'delayed') return { reason: 'expired', by: 'step', step: 'dsn-delayed' }
  if (f.command === 'HELO' || f.command === 'EHLO' || f.command === 'CONN') return { reason: 'blocked', by: 'step', step: 'refused-at-greeting' }
  if (f.tierReason !== undefined && f.tierReason !== 'onhold' && f.tierReason !== 'undefined') return { reason: f.tierReason, by: 'status' }
  return { reason: f.hasText ? 'onhold' : 'undefined', by: 'step', step: f.hasText ? 'onhold' : 'undefined' }
}
