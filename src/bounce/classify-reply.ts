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
import type { DiagnosticInput, RuleRef, SmtpCommand, Verdict } from './verdict.ts'

/** The two entry points, bound to one compiled rule set. */
export interface ReplyClassifier {
  classifyReply(text: string): Verdict
  classifyDiagnostic(input: DiagnosticInput): Verdict
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

  function decide(text: string, textCode: string, textStatus: string, input: DiagnosticInput | undefined): Verdict {
    const replyCode = textCode || input?.replyCode || ''
    const status = chooseStatus(textStatus, input?.status ?? '')
    const unfolded = textCode !== '' && (text.charCodeAt(3) === 45 || text.indexOf('\n') >= 0) ? unfoldReply(text, textCode) : text

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

    if (best === NO_MATCH) {
      const nothingKnown = replyCode === '' && status === '' && text.trim() === ''
      const reason: Reason = nothingKnown ? 'onhold' : 'undefined'
      const permanent = finalClass(input) ?? classOf(replyCode, status) === '5'
      return verdict(replyCode, status || (replyCode ? `${replyCode[0]}.0.0` : ''), reason, permanent,
        permanent ? 'contact_recipient_admin' : 'retry_later', provider, nothingKnown ? NO_RULE_ONHOLD : NO_RULE_UNDEFINED)
    }
    const rule = rules[best]
    const defaults = compiled.reasonDefaults[rule.reason]
    const knownClass = classOf(replyCode, status)
    const permanent = finalClass(input) ?? rule.permanent ?? (knownClass === '' ? defaults?.permanentWithoutCode ?? false : knownClass === '5')
    let reportedStatus = status
    if (reportedStatus === '') {
      // A reply-code rule knows no more than the code: it reports the catch-all X.0.0.
      const typical = rule.typicalStatus ?? (rule.tier === 'reply-code' ? undefined : defaults?.typicalStatus)
      const cls = knownClass || (permanent ? '5' : '4')
      reportedStatus = typical ? cls + typical.slice(1) : replyCode ? `${replyCode[0]}.0.0` : ''
    }
    return verdict(replyCode, reportedStatus, rule.reason, permanent, rule.action, rule.provider ?? provider, compiled.refs[best])
  }

  return {
    classifyReply(text: string): Verdict {
      return decide(text, findReplyCode(text), findStatus(text), undefined)
    },
    classifyDiagnostic(input: DiagnosticInput): Verdict {
      const text = input.text ?? ''
      return decide(text, findReplyCode(text), findStatus(text), input)
    },
  }
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
