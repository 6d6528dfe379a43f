// Compiles a RuleSet once into the indexes the classifier walks: one phrase automaton for every
// phrase, marker and command hint, and maps from enhanced status and reply code to the rules
// that need no phrase.
import type { Action } from '../action.ts'
import type { Reason } from '../reason.ts'
import type { RuleRef, SmtpCommand } from '../verdict.ts'
import { buildPhraseAutomaton, type PhraseAutomaton } from './phrase-automaton.ts'
import type { ReasonDefaults, Rule, RuleSet } from './rule.ts'

/**
 * Phrases that tell which SMTP command a diagnostic answered, as MTAs write them into bounces:
 * Postfix "(in reply to RCPT TO command)" (src/smtp/smtp_proto.c), Exim "SMTP error from remote
 * mail server after RCPT TO:<…>" (src/transports/smtp.c), Sendmail "... while talking to …: >>> DATA".
 */
const COMMAND_HINTS: readonly (readonly [string, SmtpCommand])[] = [
  ['in reply to rcpt to command', 'RCPT'],
  ['in reply to end of data command', 'DATA'],
  ['in reply to data command', 'DATA'],
  ['in reply to mail from command', 'MAIL'],
  ['in reply to helo command', 'HELO'],
  ['in reply to ehlo command', 'EHLO'],
  ['after rcpt to:', 'RCPT'],
  ['after end of data', 'DATA'],
  ['after mail from:', 'MAIL'],
  ['>>> rcpt to:', 'RCPT'],
  ['>>> data', 'DATA'],
  ['>>> mail from:', 'MAIL'],
  // Postfix: "host mx.example.com[192.0.2.1] refused to talk to me: 554 …" is the greeting (smtp_connect.c).
  ['refused to talk to me', 'CONN'],
  ['after initial connection', 'CONN'],
]

/** A rule set ready for matching; built once, shared, never changed. */
export interface CompiledRules {
  /** every rule, indexed by its order (the lower, the earlier it decides) */
  readonly rules: readonly Rule[]
  readonly refs: readonly RuleRef[]
  readonly automaton: PhraseAutomaton
  /** phrase id → orders of the rules naming it under `phrases` */
  readonly rulesByPhrase: readonly Int32Array[]
  /** phrase id → the provider it marks, if it is a marker */
  readonly providerByPhrase: readonly (string | undefined)[]
  /** phrase id → the command it reveals, if it is a command hint */
  readonly commandByPhrase: readonly (SmtpCommand | undefined)[]
  /** rule order → phrase ids of `also` and of `unless` */
  readonly alsoIds: readonly Int32Array[]
  readonly unlessIds: readonly Int32Array[]
  readonly regexes: readonly (RegExp | undefined)[]
  /** status pattern ('5.1.1', '5.7', '5') → orders of rules without phrases */
  readonly rulesByStatus: ReadonlyMap<string, Int32Array>
  /** code pattern ('550', '55', '5') → orders of rules with codes only */
  readonly rulesByCode: ReadonlyMap<string, Int32Array>
  readonly reasonDefaults: Readonly<Partial<Record<Reason, ReasonDefaults>>>
  /** reason → the action of its first generic (reason-tier) rule: what to do when only the reason is known */
  readonly reasonActions: Readonly<Partial<Record<Reason, Action>>>
}

/** Builds the matcher for a rule set; rules must be sorted by order (loadRuleFiles does). */
export function compileRules(ruleSet: RuleSet): CompiledRules {
  const phrases: string[] = []
  const idOf = new Map<string, number>()
  const intern = (phrase: string): number => {
    let id = idOf.get(phrase)
    if (id === undefined) {
      id = phrases.length
      phrases.push(phrase)
      idOf.set(phrase, id)
    }
    return id
  }
  const rules = ruleSet.rules
  rules.forEach((rule, index) => {
    if (rule.order !== index) throw new Error(`compileRules: rule "${rule.id}" has order ${rule.order} at index ${index}; expected rules sorted by order`)
  })
  const byPhrase = new Map<number, number[]>()
  const alsoIds = rules.map((rule) => Int32Array.from(rule.also, intern))
  const unlessIds = rules.map((rule) => Int32Array.from(rule.unless, intern))
  const byStatus = new Map<string, number[]>()
  const byCode = new Map<string, number[]>()
  const push = <K>(map: Map<K, number[]>, key: K, order: number): void => {
    const list = map.get(key)
    if (list) {
      if (!list.includes(order)) list.push(order)
    } else map.set(key, [order])
  }
  for (const rule of rules) {
    if (rule.phrases.length > 0) for (const phrase of rule.phrases) push(byPhrase, intern(phrase), rule.order)
    else if (rule.statuses.length > 0) for (const status of rule.statuses) push(byStatus, status, rule.order)
    else for (const code of rule.codes) push(byCode, code, rule.order)
  }
  const providerByPhrase: (string | undefined)[] = []
  for (const marker of ruleSet.markers) {
    const id = intern(marker.phrase)
    providerByPhrase[id] ??= marker.provider
  }
  const commandByPhrase: (SmtpCommand | undefined)[] = []
  for (const [phrase, command] of COMMAND_HINTS) commandByPhrase[intern(phrase)] = command
  const reasonActions: Partial<Record<Reason, Action>> = {}
  for (const rule of rules) if (rule.tier === 'reason') reasonActions[rule.reason] ??= rule.action
  const automaton = buildPhraseAutomaton(phrases)
  const rulesByPhrase = phrases.map((_, id) => Int32Array.from(byPhrase.get(id) ?? []))
  providerByPhrase.length = phrases.length
  commandByPhrase.length = phrases.length
  const freeze = (map: Map<string, number[]>): Map<string, Int32Array> =>
    new Map([...map].map(([key, list]) => [key, Int32Array.from(list.sort((a, b) => a - b))]))
  return {
    rules,
    refs: rules.map((rule) => Object.freeze({ id: rule.id, source: rule.source, example: rule.example })),
    automaton,
    rulesByPhrase,
    providerByPhrase,
    commandByPhrase,
    alsoIds,
    unlessIds,
    regexes: rules.map((rule) => (rule.regex ? new RegExp(rule.regex) : undefined)),
    rulesByStatus: freeze(byStatus),
    rulesByCode: freeze(byCode),
    reasonDefaults: ruleSet.reasonDefaults,
    reasonActions,
  }
}
