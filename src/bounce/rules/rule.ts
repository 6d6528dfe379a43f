import type { Action } from '../action.ts'
import type { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'

/**
 * Where a rule sits in the decision order. Earlier tiers win over later ones:
 * a provider's documented reply beats a generic phrase, a phrase beats the enhanced status
 * code alone, and the enhanced status beats the basic reply code.
 */
export type RuleTier =
  /** one mailbox provider's or gateway's own replies (data/bounce-rules/<provider>.toml) */
  | 'provider'
  /** generic phrases, one file per reason (data/bounce-rules/reasons/<reason>.toml) */
  | 'reason'
  /** RFC 3463 enhanced status codes (data/bounce-rules/status-codes.toml) */
  | 'status'
  /** RFC 5321 basic reply codes (data/bounce-rules/reply-codes.toml) */
  | 'reply-code'

export const RULE_TIERS: readonly RuleTier[] = ['provider', 'reason', 'status', 'reply-code']

export const RuleTier = {
  is(value: unknown): value is RuleTier {
    return typeof value === 'string' && (RULE_TIERS as readonly string[]).includes(value)
  },
}

/** One rule, as plain data: what it matches, what it decides, and the real reply it was written for. */
export interface Rule {
  readonly id: string
  /** `data/bounce-rules/google.toml:42` */
  readonly source: string
  /** the real reply the rule was written for */
  readonly example: string
  readonly tier: RuleTier
  /** rank inside the whole rule set: the lowest matching rule decides */
  readonly order: number
  /** the provider whose file holds the rule (provider tier only) */
  readonly provider?: string
  /** basic reply codes, exact ('550') or a prefix ('5', '55'); any of them */
  readonly codes: readonly string[]
  /** enhanced status codes, exact ('5.7.26') or a whole-part prefix ('5.7'); any of them */
  readonly statuses: readonly string[]
  /** the SMTP command the reply answered; any of them (ignored when the command is unknown) */
  readonly commands: readonly SmtpCommand[]
  /** lowercased substrings; any of them */
  readonly phrases: readonly string[]
  /** lowercased substrings; all of them, in addition */
  readonly also: readonly string[]
  /** lowercased substrings; none of them */
  readonly unless: readonly string[]
  /** a regular expression over the lowercased text, tried last (only when really needed) */
  readonly regex?: string
  /** only when the text identifies this rule's provider (for phrases too generic on their own) */
  readonly requiresProvider: boolean
  readonly reason: Reason
  readonly action: Action
  /** overrides the reply-code class: a 4xx the provider documents as final, or the reverse */
  readonly permanent?: boolean
  /** the enhanced status to report when the reply carries none ('5.1.1'); its class follows the reply */
  readonly typicalStatus?: string
}

/** A phrase that names the provider a reply came from ('- gsmtp' → google). */
export interface ProviderMarker {
  readonly phrase: string
  readonly provider: string
}

/** What every reason file says about its reason beyond its phrases. */
export interface ReasonDefaults {
  /** permanence when the reply carries neither a reply code nor an enhanced status */
  readonly permanentWithoutCode: boolean
  readonly typicalStatus?: string
}

/** Every rule file, loaded and checked, as plain data. */
export interface RuleSet {
  readonly rules: readonly Rule[]
  readonly markers: readonly ProviderMarker[]
  readonly reasonDefaults: Readonly<Partial<Record<Reason, ReasonDefaults>>>
}
