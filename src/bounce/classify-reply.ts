// Live SMTP reply (or a bounce's per-recipient diagnostic) → Verdict, driven by the rules in
// data/bounce-rules/. The decision is a fixed order of steps over compiled data:
//   1. scan the reply code and enhanced status by hand;
//   2. run one phrase automaton over the text (rule phrases, provider markers, command hints);
//   3. the lowest-ordered matching rule decides: provider rule → phrase by reason →
//      enhanced status → basic reply code; nothing matched → onhold/undefined.
// Nothing is cached by input text; the only state is a scratch stamp array per classifier.
import { isHardBounce, type Reason } from './reason.ts'
import type { Action } from './action.ts'
import { compileRules, type CompiledRules } from './rules/compile-rules.ts'
import { loadRuleFiles } from './rules/load-rules.ts'
import { findReplyCode, findStatus, unfoldReply } from './scan-reply.ts'
import { bounceStatusMeaning, decideBounceReason, type BounceDecision } from './reasons/decide-bounce-reason.ts'
import type { BounceInput, DiagnosticInput, RuleRef, SmtpCommand, Verdict } from './verdict.ts'

/** The entry points, bound to one compiled rule set. */
export interface ReplyClassifier {
  classifyReply(text: string): Verdict
  classifyDiagnostic(input: DiagnosticInput): Verdict
  /** A bounce's recipient: the rules' findings weighed by the bounce decision procedure (reasons/decide-bounce-reason.ts). */
  classifyBounce(input: BounceInput): Verdict
}

const NO_RULE_ONHOLD: RuleRef = Object.freeze({ id: 'onhold', source: 'builtin:onhold', example: '' })
const NO_RULE_UNDEFINED: RuleRef = Object.freeze({ id: 'undefined', source: 'builtin:undefined', example: '' })
const NO_MATCH = 0x7fffffff

/** Builds a classifier over compiled rules. Pure: the same text always gives the same verdict. */
export function createReplyClassifier(compiled: CompiledRules): ReplyClassifier {
  const { automaton, rules, rulesByPhrase, providerByPhrase, commandByPhrase, alsoIds, unlessIds, regexes } = compiled
  const stamp = new Uint32Array(automaton.phraseCount)
  const found = new Int32Array(automaton.phraseCount)
  let generation = 0
  // What the rule being tried is matched against; filled once per call, read by matches().
  const current: MatchContext = { replyCode: '', status: '', command: undefined, provider: undefined, text: '', lowered: undefined, generation: 0 }

  function matches(order: number): boolean {
    const rule = rules[order]
    if (rule.codes.length > 0 && !matchesCode(rule.codes, current.replyCode)) return false
    if (rule.statuses.length > 0 && !matchesStatus(rule.statuses, current.status)) return false
    if (rule.commands.length > 0 && current.command !== undefined && !rule.commands.includes(current.command)) return false
    if (rule.requiresProvider && rule.provider !== current.provider) return false
    const gen = current.generation
    const also = alsoIds[order]
    for (let i = 0; i < also.length; i++) if (stamp[also[i]] !== gen) return false
    const unless = unlessIds[order]
    for (let i = 0; i < unless.length; i++) if (stamp[unless[i]] === gen) return false
    const regex = regexes[order]
    if (regex !== undefined) {
      current.lowered ??= current.text.toLowerCase()
      if (!regex.test(current.lowered)) return false
    }
    return true
  }

  /** Scans the text (and remote host), fills `current`; returns how many phrase hits are the text's. */
  function prepare(text: string, textCode: string, textStatus: string, input: DiagnosticInput | undefined): number {
    const replyCode = textCode || input?.replyCode || ''
    const status = chooseStatus(textStatus, input?.status ?? '')
    // Multi-line replies, also as bounces quote them inside a sentence ("said: 550-5.7.1 … 550 5.7.1 …").
    const unfolded = textCode !== '' && (text.charCodeAt(3) === 45 || text.indexOf('\n') >= 0 || text.indexOf(textCode + '-', 4) >= 0)
      ? unfoldReply(text, textCode) : text

    if (++generation === 0xffffffff) {
      stamp.fill(0)
      generation = 1
    }
    const gen = generation
    const textHits = automaton.scan(unfolded, stamp, gen, found, 0)
    const hits = input?.remoteHost ? automaton.scan(input.remoteHost, stamp, gen, found, textHits) : textHits

    let provider: string | undefined
    for (let k = 0; k < hits && provider === undefined; k++) provider = providerByPhrase[found[k]]
    let command: SmtpCommand | undefined = input?.command
    for (let k = 0; k < textHits && command === undefined; k++) command = commandByPhrase[found[k]]

    current.replyCode = replyCode
    current.status = status
    current.command = command
    current.provider = provider
    current.text = unfolded
    current.lowered = undefined
    current.generation = gen
    return textHits
  }

  /** The lowest-ordered rule of any tier that matches, or NO_MATCH. */
  function bestRule(textHits: number): number {
    const { status, replyCode } = current
    let best = NO_MATCH
    for (let k = 0; k < textHits; k++) {
      const candidates = rulesByPhrase[found[k]]
      for (let i = 0; i < candidates.length; i++) {
        const order = candidates[i]
        if (order >= best) break
        if (matches(order)) best = order
      }
    }
    if (status !== '') {
      best = firstMatch(compiled.rulesByStatus.get(status), best, matches)
      const second = status.indexOf('.', 2)
      best = firstMatch(compiled.rulesByStatus.get(status.slice(0, second)), best, matches)
      best = firstMatch(compiled.rulesByStatus.get(status.slice(0, 1)), best, matches)
    }
    if (replyCode !== '') {
      best = firstMatch(compiled.rulesByCode.get(replyCode), best, matches)
      best = firstMatch(compiled.rulesByCode.get(replyCode.slice(0, 2)), best, matches)
      best = firstMatch(compiled.rulesByCode.get(replyCode.slice(0, 1)), best, matches)
    }
    return best
  }

  function decide(text: string, textCode: string, textStatus: string, input: DiagnosticInput | undefined): Verdict {
    const textHits = prepare(text, textCode, textStatus, input)
    return toVerdict(bestRule(textHits), text, input)
  }

  /** The verdict of rule `best` (or of no rule), in the context `current` holds. */
  function toVerdict(best: number, text: string, input: DiagnosticInput | undefined): Verdict {
    const { replyCode, status, provider } = current
    if (best === NO_MATCH) {
      const nothingKnown = replyCode === '' && status === '' && text.trim() === ''
      const reason: Reason = nothingKnown ? 'onhold' : 'undefined'
      const permanent = finalClass(input) ?? classOf(replyCode, status) === '5'
      return verdict(replyCode, status || catchAllStatus(replyCode), reason, permanent,
        permanent ? 'contact_recipient_admin' : 'retry_later', provider, nothingKnown ? NO_RULE_ONHOLD : NO_RULE_UNDEFINED)
    }
    const rule = rules[best]
    return ruleVerdict(rule.reason, rule.action, rule.permanent, rule.typicalStatus, rule.tier === 'reply-code', rule.provider ?? provider, compiled.refs[best], input)
  }

  function ruleVerdict(reason: Reason, action: Action, rulePermanent: boolean | undefined, ruleTypical: string | undefined, knowsOnlyCode: boolean,
    provider: string | undefined, ref: RuleRef, input: DiagnosticInput | undefined): Verdict {
    const { replyCode, status } = current
    const defaults = compiled.reasonDefaults[reason]
    const knownClass = classOf(replyCode, status)
    const permanent = finalClass(input) ?? rulePermanent ?? (knownClass === '' ? defaults?.permanentWithoutCode ?? false : knownClass === '5')
    let reportedStatus = status
    if (reportedStatus === '') {
      // A reply-code rule knows no more than the code: it reports the catch-all X.0.0.
      const typical = ruleTypical ?? (knowsOnlyCode ? undefined : defaults?.typicalStatus)
      const cls = hasStatusClass(knownClass) ? knownClass : permanent ? '5' : '4'
      reportedStatus = typical ? cls + typical.slice(1) : catchAllStatus(replyCode)
    }
    return verdict(replyCode, reportedStatus, reason, permanent, action, provider, ref)
  }

  function classifyBounce(input: BounceInput): Verdict {
    const text = input.text ?? ''
    const textHits = prepare(text, findReplyCode(text), findStatus(text), input)
    const { status, replyCode, command } = current
    // Every rule that matches, by tier: the provider's first, each reason's first, the exact status's.
    let providerBest = NO_MATCH
    const firstOfReason = new Map<Reason, number>()
    for (let k = 0; k < textHits; k++) {
      const candidates = rulesByPhrase[found[k]]
      for (let i = 0; i < candidates.length; i++) {
        const order = candidates[i]
        const rule = rules[order]
        if (rule.tier === 'provider') {
          if (order < providerBest && matches(order)) providerBest = order
        } else if (rule.tier === 'reason') {
          const seen = firstOfReason.get(rule.reason)
          if ((seen === undefined || order < seen) && matches(order)) firstOfReason.set(rule.reason, order)
        }
      }
    }
    const exactStatus = status === '' ? NO_MATCH : firstStatusRule(compiled.rulesByStatus.get(status))
    const best = bestRule(textHits)
    const decision = decideBounceReason({
      sourceReason: input.sourceReason,
      providerReason: providerBest === NO_MATCH ? undefined : rules[providerBest].reason,
      phraseReasons: new Set(firstOfReason.keys()),
      statusMeaning: bounceStatusMeaning(status, exactStatus === NO_MATCH ? '' : rules[exactStatus].reason),
      status,
      replyCode,
      command,
      dsnAction: input.dsnAction,
      hasText: text.trim() !== '',
      tierReason: best === NO_MATCH ? undefined : rules[best].reason,
    })
    const order = decidingRule(decision, providerBest, firstOfReason, exactStatus)
    if (order !== NO_MATCH) return toVerdict(order, text, input)
    const unknown = firstOfReason.get('userunknown')
    if (decision.reason === 'filtered' && unknown !== undefined) {
      // "User unknown" after DATA (or with no command known): Sisimai's `filtered`, but the text still
      // says the mailbox is not there, so the address is suppressed as for userunknown.
      return ruleVerdict('filtered', rules[unknown].action, undefined, undefined, false, current.provider, compiled.refs[unknown], input)
    }
    // Decided by the format or by a step of the procedure: the reason's own defaults, or the best rule's if it agrees.
    if (best !== NO_MATCH && rules[best].reason === decision.reason) return toVerdict(best, text, input)
    const ref: RuleRef = decision.by === 'step'
      ? { id: `procedure:${decision.step}`, source: 'builtin:decide-bounce-reason', example: '' }
      : { id: `source:${decision.reason}`, source: 'builtin:source', example: '' }
    return ruleVerdict(decision.reason, defaultAction(decision.reason), undefined, undefined, false, current.provider, ref, input)
  }

  /** The first status-tier rule written for exactly this status: what the code means on its own. */
  function firstStatusRule(list: Int32Array | undefined): number {
    if (list === undefined) return NO_MATCH
    for (let i = 0; i < list.length; i++) if (rules[list[i]].tier === 'status' && matches(list[i])) return list[i]
    return NO_MATCH
  }

  function decidingRule(decision: BounceDecision, providerBest: number, firstOfReason: ReadonlyMap<Reason, number>, exactStatus: number): number {
    if (decision.by === 'provider') return providerBest
    if (decision.by === 'phrase') return firstOfReason.get(decision.reason) ?? NO_MATCH
    if (decision.by === 'status' && exactStatus !== NO_MATCH && rules[exactStatus].reason === decision.reason) return exactStatus
    return NO_MATCH
  }

  function defaultAction(reason: Reason): Action {
    return compiled.reasonActions[reason] ?? BUILTIN_ACTIONS[reason] ?? 'contact_recipient_admin'
  }

  return {
    classifyReply(text: string): Verdict {
      return decide(text, findReplyCode(text), findStatus(text), undefined)
    },
    classifyDiagnostic(input: DiagnosticInput): Verdict {
      const text = input.text ?? ''
      return decide(text, findReplyCode(text), findStatus(text), input)
    },
    classifyBounce,
  }
}

/** Actions for reasons no rule file names (decided by a bounce's format or the procedure's steps). */
const BUILTIN_ACTIONS: Readonly<Partial<Record<Reason, Action>>> = {
  delivered: 'none',
  vacation: 'none',
  feedback: 'suppress_address',
  expired: 'retry_then_suppress',
  mailererror: 'contact_recipient_admin',
  onhold: 'contact_recipient_admin',
  undefined: 'contact_recipient_admin',
  securityerror: 'fix_mta_config',
  contenterror: 'fix_message',
  syntaxerror: 'fix_mta_config',
}

interface MatchContext {
  replyCode: string
  status: string
  command: SmtpCommand | undefined
  provider: string | undefined
  text: string
  lowered: string | undefined
  generation: number
}

function verdict(replyCode: string, status: string, reason: Reason, permanent: boolean, action: Action, provider: string | undefined, rule: RuleRef): Verdict {
  // One object shape for every verdict (provider present, possibly undefined) keeps callers monomorphic.
  return { replyCode, status, reason, permanent, hardBounce: isHardBounce(reason, status || replyCode), action, provider, rule }
}

function firstMatch(list: Int32Array | undefined, best: number, matches: (order: number) => boolean): number {
  if (list === undefined) return best
  for (let i = 0; i < list.length; i++) {
    const order = list[i]
    if (order >= best) return best
    if (matches(order)) return order
  }
  return best
}

function matchesCode(codes: readonly string[], replyCode: string): boolean {
  if (replyCode === '') return false
  for (const code of codes) if (replyCode.startsWith(code)) return true
  return false
}

function matchesStatus(statuses: readonly string[], status: string): boolean {
  if (status === '') return false
  for (const pattern of statuses) {
    if (status === pattern || (status.startsWith(pattern) && status.charCodeAt(pattern.length) === 46)) return true
  }
  return false
}

/**
 * The enhanced status to judge by when the text and a DSN field both give one: the text's,
 * unless it is the catch-all X.0.0 and the field says more ("Status: 5.1.1" beside
 * "550 5.0.0 … "); the field's when the text has none.
 */
function chooseStatus(fromText: string, fromField: string): string {
  if (fromText === '') return fromField
  if (fromField === '' || !fromText.endsWith('.0.0') || fromField.endsWith('.0.0')) return fromText
  return fromField
}

/** Enhanced status codes have classes 2, 4 and 5 only (RFC 3463 §3.1): a 1xx or 3xx reply has none. */
function hasStatusClass(cls: string): boolean {
  return cls === '2' || cls === '4' || cls === '5'
}

/** The catch-all X.0.0 a bare reply code stands for, or '' for a code with no status class. */
function catchAllStatus(replyCode: string): string {
  return hasStatusClass(replyCode.slice(0, 1)) ? `${replyCode[0]}.0.0` : ''
}

/**
 * '5', '4', '2' from the reply code, else from the status; '' when neither is known. When the
 * two disagree, a permanent one wins: "454 5.5.1 STARTTLS may not be repeated" will not succeed
 * on retry, whatever its first digit says.
 */
function classOf(replyCode: string, status: string): string {
  if (replyCode !== '' && status !== '' && replyCode[0] !== status[0] && (replyCode[0] === '5' || status[0] === '5')) return '5'
  return replyCode !== '' ? replyCode[0] : status !== '' ? status[0] : ''
}

/** A bounce whose DSN Status is 5.x.x failed for good, whatever the last reply said ("421 … timeout"). */
function finalClass(input: DiagnosticInput | undefined): true | undefined {
  return input?.status?.startsWith('5') ? true : undefined
}

let shared: ReplyClassifier | undefined

/** The classifier over todoku's own rules (data/bounce-rules), loaded and compiled on first use. */
export function defaultReplyClassifier(): ReplyClassifier {
  shared ??= createReplyClassifier(compileRules(loadRuleFiles()))
  return shared
}

/**
 * What one SMTP reply means: single- or multi-line ("550-5.7.26 …\r\n550 5.7.26 …"), with or
 * without an enhanced status, or with its lines joined by spaces.
 */
export function classifyReply(text: string): Verdict {
  return defaultReplyClassifier().classifyReply(text)
}

/**
 * The same engine for a bounce's per-recipient diagnostic text, with the Status, reply code,
 * SMTP command and remote host known from elsewhere (a DSN's fields, the bounce's wording).
 */
export function classifyDiagnostic(input: DiagnosticInput): Verdict {
  return defaultReplyClassifier().classifyDiagnostic(input)
}

/** A bounce's recipient: the diagnostic with what the bounce's format said (its reason, its DSN Action). */
export function classifyBounce(input: BounceInput): Verdict {
  return defaultReplyClassifier().classifyBounce(input)
}
