import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'

/** A DSN Action (RFC 3464 §2.3.3). */
export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded'

/**
 * One source of bounces: an MTA, an ESP, a provider or a standard. Sisimai's design
 * (lib/sisimai/lhost.rb): each source reads what its own format says and nothing more;
 * the reason is decided afterwards, for every source alike, by the reply classifier.
 */
export interface BounceSource {
  /** 'Postfix' */
  readonly name: string
  /** 'Postfix: https://www.postfix.org/' */
  readonly description: string
  /** undefined = "not mine" */
  inquire(mail: ParsedMail): SourceResult | undefined
}

export interface SourceResult {
  readonly recipients: readonly RawRecipient[]
}

/** What a bounce says about one recipient, as written, before classification. */
export interface RawRecipient {
  /** the failed (or delayed, delivered, complained) address, as written */
  readonly recipient: string
  /** the text the remote host or the reporting MTA gave for this recipient */
  readonly diagnosticCode?: string
  /** enhanced status as written (Status: field, or in the text) */
  readonly status?: string
  /** SMTP reply code as written */
  readonly replyCode?: string
  readonly dsnAction?: DsnAction
  /** the SMTP command that failed, when the bounce says */
  readonly command?: SmtpCommand
  /**
   * Set only when the format itself says why, beyond any text: a queue-lifetime expiry
   * notice (expired), an ARF report (feedback), an auto-reply (vacation), a success DSN
   * (delivered), a local mailer's exit (mailererror).
   */
  readonly reason?: Reason
  readonly remoteMta?: string
  readonly reportingMta?: string
  readonly arrivalDate?: string
  readonly lastAttemptDate?: string
  /** ARF Feedback-Type (abuse, fraud, opt-out, auth-failure…) */
  readonly feedbackType?: string
}
