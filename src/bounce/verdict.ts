import type { Action } from './action.ts'
import type { Reason } from './reason.ts'

/** The SMTP command a reply answered, when known. `CONN` is the greeting, `TLS` STARTTLS. */
export type SmtpCommand = 'CONN' | 'HELO' | 'EHLO' | 'TLS' | 'AUTH' | 'MAIL' | 'RCPT' | 'DATA' | 'BDAT' | 'QUIT'

/** Which rule decided a verdict: its id, where it is written, and the real reply it was written for. */
export interface RuleRef {
  readonly id: string
  /** `data/bounce-rules/google.toml:42`, or `builtin:<name>` for decisions made in code */
  readonly source: string
  /** the real reply or bounce text the rule was written for */
  readonly example: string
}

/** What one SMTP reply, or one recipient's diagnostic text, means. */
export interface Verdict {
  /** basic SMTP reply code ('550'), or '' when none is known */
  readonly replyCode: string
  /** enhanced status code ('5.1.1'); derived from the text and reply code when the reply has none; '' when nothing is known */
  readonly status: string
  readonly reason: Reason
  /** fails for good for this message as sent (retrying the same message will not succeed) */
  readonly permanent: boolean
  /** the *address* is bad (Sisimai's meaning); null for non-failures */
  readonly hardBounce: boolean | null
  /** what todoku does, or asks the sender to do */
  readonly action: Action
  /** the mailbox provider the text identifies ('google', 'yahoo', 'microsoft', 'docomo'…) */
  readonly provider?: string
  readonly rule: RuleRef
}

/** A failure text together with what else is known about it (from a bounce, or a live session). */
export interface DiagnosticInput {
  readonly text: string
  /** enhanced status from elsewhere (a DSN's Status: field) */
  readonly status?: string
  /** reply code from elsewhere */
  readonly replyCode?: string
  /** the SMTP command the text answered */
  readonly command?: SmtpCommand
  /** the remote host, when known: a hint for the provider */
  readonly remoteHost?: string
}

/** A bounce's per-recipient diagnostic, with what the bounce's format itself said. */
export interface BounceInput extends DiagnosticInput {
  /** the reason the format decided (expired, mailererror, vacation…); re-examined when it is a vague one */
  readonly sourceReason?: Reason
  /** the DSN Action, as the bounce states it */
  readonly dsnAction?: string
}
