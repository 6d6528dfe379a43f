import type { Action } from './action.ts'
import { classifyBounce } from './classify-reply.ts'
import { MAX_RECIPIENTS_PER_MAIL, parseMail, type ParsedMail } from './mail/index.ts'
import { isHardBounce, type Reason } from './reason.ts'
import { SOURCES } from './sources/index.ts'
import { localAgentReason } from './sources/local-agent.ts'
import type { BounceSource, DsnAction, RawRecipient } from './sources/types.ts'
import type { RuleRef, SmtpCommand } from './verdict.ts'

/** What identifies the message that bounced: from the returned copy, or the bounce's own headers. */
export interface OriginalMessage {
  readonly messageId?: string
  /** envelope sender of the original (Return-Path), where it shows; for VERP matching */
  readonly returnPath?: string
  readonly from?: string
  readonly to?: string
  readonly subject?: string
  readonly date?: string
  /** todoku's own headers on the original (X-Todoku-*), lower-cased names */
  readonly todokuHeaders: Readonly<Record<string, string>>
}

/** One recipient of a bounce email, classified. */
export interface BounceResult {
  readonly recipient: string
  readonly reason: Reason
  /** enhanced status code ('5.1.1'), derived when the bounce gives none; '' when nothing is known */
  readonly status: string
  readonly replyCode: string
  readonly diagnosticCode: string
  /** the DSN Action, as the bounce states it or as its format implies */
  readonly dsnAction: DsnAction | ''
  /** the SMTP command the failure answered, when the bounce says */
  readonly command?: SmtpCommand
  readonly permanent: boolean
  /** the address is bad (Sisimai's meaning); null for delivered, feedback, vacation */
  readonly hardBounce: boolean | null
  /** what todoku does, or asks the sender to do */
  readonly action: Action
  readonly provider?: string
  readonly remoteMta?: string
  readonly reportingMta?: string
  readonly arrivalDate?: string
  readonly lastAttemptDate?: string
  readonly feedbackType?: string
  /** the source module that understood the mail ('Postfix', 'RFC3464', 'ARF'…) */
  readonly source: string
  /** the rule that decided the reason */
  readonly rule: RuleRef
  readonly original: OriginalMessage
}

/**
 * Reads a bounce email (an NDR, a DSN, an ARF complaint, an auto-reply) and returns one
 * result per recipient it reports on; [] when the mail is not a bounce. Never throws on
 * malformed input.
 */
export function parseBounce(input: Uint8Array | string, sources: readonly BounceSource[] = SOURCES): BounceResult[] {
  return analyzeMail(parseMail(input), sources)
}

/** As `parseBounce`, for a mail already parsed. */
export function analyzeMail(mail: ParsedMail, sources: readonly BounceSource[] = SOURCES): BounceResult[] {
  for (const source of sources) {
    const found = source.inquire(mail)
    if (!found || found.recipients.length === 0) continue
    const original = describeOriginal(mail)
    // A forged report of a million recipients is classified, and answered, for the first MAX_RECIPIENTS_PER_MAIL only.
    const recipients = found.recipients.length > MAX_RECIPIENTS_PER_MAIL ? found.recipients.slice(0, MAX_RECIPIENTS_PER_MAIL) : found.recipients
    return recipients.map((raw) => classifyRecipient(raw, source.name, original))
  }
  return []
}

const NOT_FAILURE_ACTION: Readonly<Partial<Record<Reason, DsnAction | ''>>> = {
  delivered: 'delivered',
  feedback: '',
  vacation: '',
}

function classifyRecipient(raw: RawRecipient, source: string, original: OriginalMessage): BounceResult {
  const diagnosticCode = (raw.diagnosticCode ?? '').trim()
  // The format's own reason goes in as a fact: a vague one (expired, …) is re-examined from the text.
  // A local delivery agent's own message ("mail.local: unknown user: x") is such a fact too.
  const sourceReason = raw.reason ?? localAgentReason(diagnosticCode)
  const verdict = classifyBounce({
    text: diagnosticCode,
    status: raw.status,
    replyCode: raw.replyCode,
    command: raw.command,
    remoteHost: raw.remoteMta,
    sourceReason,
    dsnAction: raw.dsnAction,
  })
  const reason = verdict.reason
  const status = verdict.status
  const byFormat = sourceReason !== undefined && reason === sourceReason
  const dsnAction = raw.dsnAction ?? NOT_FAILURE_ACTION[reason] ?? (status.startsWith('4') ? 'delayed' : 'failed')
  const isFinal = dsnAction === 'failed' || reason === 'expired' || sourceReason === 'expired'
  return {
    recipient: raw.recipient.trim().replace(/^<|>$/g, '').toLowerCase(),
    reason,
    status,
    replyCode: verdict.replyCode,
    diagnosticCode,
    dsnAction,
    command: raw.command,
    permanent: NOT_FAILURE_ACTION[reason] !== undefined ? false : byFormat ? isFinal : verdict.permanent || isFinal,
    hardBounce: isHardBounce(reason, status || verdict.replyCode),
    action: byFormat ? actionForSourceReason(reason, verdict.action) : verdict.action,
    provider: verdict.provider,
    remoteMta: raw.remoteMta,
    reportingMta: raw.reportingMta,
    arrivalDate: raw.arrivalDate,
    lastAttemptDate: raw.lastAttemptDate,
    feedbackType: raw.feedbackType,
    source,
    rule: byFormat && verdict.rule.source === 'builtin:source'
      ? { id: `source:${source}:${reason}`, source: `builtin:${source}`, example: diagnosticCode }
      : verdict.rule,
    original,
  }
}

/** The action for a reason a bounce's format decided on its own. */
function actionForSourceReason(reason: Reason, fromText: Action): Action {
  switch (reason) {
    case 'delivered':
    case 'vacation':
      return 'none'
    case 'feedback':
      return 'suppress_address'
    case 'expired':
      // The queue gave up: what the last reply said still tells what to do; a bare expiry means retry later.
      return fromText === 'suppress_address' ? fromText : 'retry_then_suppress'
    case 'mailererror':
      return 'contact_recipient_admin'
    default:
      return fromText
  }
}

const TODOKU_HEADER = 'x-todoku-'

function describeOriginal(mail: ParsedMail): OriginalMessage {
  const headers = mail.original?.headers
  const todokuHeaders: Record<string, string> = {}
  // By name first: the returned message's other fields (Received, DKIM-Signature…) stay undecoded.
  // The last field of a name wins, as when every field was assigned in order.
  for (const name of headers?.names ?? []) if (name.startsWith(TODOKU_HEADER)) todokuHeaders[name] = headers!.getAll(name).at(-1)!
  return {
    messageId: headers?.get('message-id'),
    returnPath: headers?.get('return-path'),
    from: headers?.get('from'),
    to: headers?.get('to'),
    subject: headers?.get('subject'),
    date: headers?.get('date'),
    todokuHeaders,
  }
}
