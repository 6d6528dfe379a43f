// The shape every preflight check has: facts and context in, hits out. Pure.
import type { Hit } from '../finding.ts'
import type { MessageFacts } from '../message-facts.ts'
import type { ContentRules } from '../rules.ts'

/** Size thresholds, bytes. */
export interface SizeThresholds {
  readonly messageWarnBytes: number
  readonly messageRejectBytes: number
  readonly attachmentWarnBytes: number
  readonly attachmentRejectBytes: number
  /** Gmail clips an HTML part over 102 KB (https://support.google.com/mail/thread/9399540) */
  readonly htmlClipBytes: number
}

export const DEFAULT_SIZE_THRESHOLDS: SizeThresholds = {
  messageWarnBytes: 10 * 1024 * 1024,
  messageRejectBytes: 25 * 1024 * 1024,
  attachmentWarnBytes: 10 * 1024 * 1024,
  attachmentRejectBytes: 25 * 1024 * 1024,
  htmlClipBytes: 102 * 1024,
}

/** What the caller knows about the message beyond its bytes. */
export interface LintOptions {
  /** bulk mail (a campaign, a newsletter): needs unsubscribe; also inferred from Precedence and List-Id */
  readonly bulk?: boolean
  /** advertising mail (特定電子メール): needs the display items; also inferred from wording */
  readonly advertising?: boolean
  /** the message is sent with SMTPUTF8 (RFC 6531), so raw UTF-8 in headers is allowed */
  readonly smtpUtf8?: boolean
  /** DKIM domains that will sign the message when it is sent (todoku's own signing) */
  readonly signingDomains?: readonly string[]
  readonly sizes?: Partial<SizeThresholds>
  /** language of finding messages; default 'en' */
  readonly lang?: 'en' | 'ja'
}

export interface CheckContext {
  readonly rules: ContentRules
  readonly options: LintOptions
  readonly sizes: SizeThresholds
}

export type Check = (facts: MessageFacts, context: CheckContext) => Hit[]
