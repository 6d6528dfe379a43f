// Reads data/bounce-rules/**/*.toml into a checked RuleSet of plain data. Parsing and checking
// are pure (parseRuleFiles); only loadRuleFiles touches the file system.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseToml, TomlError } from 'smol-toml'
import { TodokuError } from '../../core/todoku-error.ts'
import { Action, ACTIONS } from '../action.ts'
import { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'
import { RULE_ERRORS } from './errors.ts'
import { RULE_TIERS, RuleTier, type ProviderMarker, type ReasonDefaults, type Rule, type RuleSet } from './rule.ts'

/** The rules shipped with todoku: `<repo>/data/bounce-rules`. */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../../data/bounce-rules/', import.meta.url))

/** A rule file's text and the name used for it in `source` and in error messages. */
export interface RuleFileText {
  /** `data/bounce-rules/google.toml` */
  readonly name: string
  readonly text: string
}

const SMTP_COMMANDS: readonly SmtpCommand[] = ['CONN', 'HELO', 'EHLO', 'TLS', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'QUIT']
const FILE_KEYS = new Set(['tier', 'provider', 'description', 'markers', 'reason', 'action', 'order', 'permanent-without-code', 'typical-status', 'rule'])
const RULE_KEYS = new Set(['id', 'provider', 'example', 'codes', 'statuses', 'commands', 'phrases', 'also', 'unless', 'regex', 'requires-provider', 'reason', 'action', 'permanent', 'typical-status', 'note'])
const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const CODE_PATTERN = /^[2-5]\d{0,2}$/
const STATUS_PATTERN = /^[245](?:\.\d{1,3}){0,2}$/
const FULL_STATUS_PATTERN = /^[245]\.\d{1,3}\.\d{1,3}$/
/** Room for this many rules per file in the order number; far above any real file. */
const RULES_PER_FILE = 10_000

/** Everything wrong with a set of rule files, or the rules when nothing is. */
export type ParseOutcome =
  | { readonly ok: true; readonly ruleSet: RuleSet }
  | { readonly ok: false; readonly problems: readonly string[] }

interface Draft {
  readonly rule: Omit<Rule, 'order'>
  readonly rank: readonly number[]
}

/** Parses and checks rule files; reports every problem, each naming file, line, rule id and what was expected. */
export function parseRuleFiles(files: readonly RuleFileText[]): ParseOutcome {
  const problems: string[] = []
  const drafts: Draft[] = []
  const markers: ProviderMarker[] = []
  const reasonDefaults: Partial<Record<Reason, ReasonDefaults>> = {}
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  sorted.forEach((file, fileIndex) => {
    parseOneFile(file, fileIndex, { problems, drafts, markers, reasonDefaults })
  })
  const seen = new Map<string, string>()
  for (const { rule } of drafts) {
    const earlier = seen.get(rule.id)
    if (earlier) problems.push(`${rule.source}: rule "${rule.id}": id already used at ${earlier}; expected ids unique across all rule files`)
    else seen.set(rule.id, rule.source)
  }
  if (problems.length > 0) return { ok: false, problems }
  drafts.sort((a, b) => compareRanks(a.rank, b.rank))
  const rules = drafts.map(({ rule }, order) => Object.freeze({ ...rule, order }))
  return { ok: true, ruleSet: { rules, markers, reasonDefaults } }
}

/** Reads every `*.toml` under `dir` (or the given files) and parses them; throws one error listing every problem. */
export function loadRuleFiles(paths: readonly string[] = [DEFAULT_RULES_DIR]): RuleSet {
  const outcome = parseRuleFiles(readRuleFiles(paths))
  if (!outcome.ok) {
    throw new TodokuError(RULE_ERRORS.RULES_INVALID, `loading bounce rules: ${outcome.problems.length} problem(s):\n  ${outcome.problems.join('\n  ')}`)
  }
  return outcome.ruleSet
}

/** The text of every rule file named, directories walked for `*.toml`, named relative to the working directory. */
export function readRuleFiles(paths: readonly string[]): RuleFileText[] {
  const files: RuleFileText[] = []
  const visit = (path: string): void => {
    let isDirectory: boolean
    try {
      isDirectory = statSync(path).isDirectory()
    } catch (cause) {
      throw new TodokuError(RULE_ERRORS.RULES_UNREADABLE, `reading bounce rules: ${path}: ${(cause as Error).message}`, { cause })
    }
    if (isDirectory) {
      for (const entry of readdirSync(path).sort()) {
        const child = join(path, entry)
        if (entry.endsWith('.toml') || statSync(child).isDirectory()) visit(child)
      }
      return
    }
    files.push({ name: displayName(path), text: readFileSync(path, 'utf8') })
  }
  for (const path of paths) visit(path)
  return files
}

function displayName(path: string): string {
  const fromRepo = relative(fileURLToPath(new URL('../../../', import.meta.url)), path)
  return fromRepo.startsWith('..') ? path : fromRepo.split('\\').join('/')
}

interface Sink {
  readonly problems: string[]
  readonly drafts: Draft[]
  readonly markers: ProviderMarker[]
  readonly reasonDefaults: Partial<Record<Reason, ReasonDefaults>>
}

function parseOneFile(file: RuleFileText, fileIndex: number, sink: Sink): void {
  const { problems } = sink
  let doc: Record<string, unknown>
  try {
    doc = parseToml(file.text) as Record<string, unknown>
  } catch (error) {
    const where = error instanceof TomlError ? `${file.name}:${error.line}` : file.name
    problems.push(`${where}: not valid TOML: ${(error as Error).message.split('\n')[0]}`)
    return
  }
  const at = (line: number | undefined): string => (line ? `${file.name}:${line}` : file.name)
  for (const key of Object.keys(doc)) {
    if (!FILE_KEYS.has(key)) problems.push(`${at(lineOfKey(file.text, key))}: unknown key "${key}"; expected one of ${[...FILE_KEYS].join(', ')}`)
  }
  const tier = doc.tier
  if (!RuleTier.is(tier)) {
    problems.push(`${file.name}: tier ${JSON.stringify(tier)}: expected one of ${RULE_TIERS.join(', ')}`)
    return
  }
  const provider = typeof doc.provider === 'string' ? doc.provider : undefined
  if (tier === 'provider' && (!provider || !ID_PATTERN.test(provider))) {
    problems.push(`${file.name}: provider ${JSON.stringify(doc.provider)}: expected a kebab-case provider name in a provider-tier file`)
  }
  // markers = ["- gsmtp"] names the file's provider; a table names several ([markers] docomo = […]).
  const markerLists: [string | undefined, unknown][] = doc.markers !== null && typeof doc.markers === 'object' && !Array.isArray(doc.markers)
    ? Object.entries(doc.markers as Record<string, unknown>)
    : [[provider, doc.markers]]
  for (const [markedProvider, list] of markerLists) {
    if (markedProvider !== undefined && !ID_PATTERN.test(markedProvider)) problems.push(`${file.name}: markers: provider "${markedProvider}": expected a kebab-case provider name`)
    for (const phrase of stringList(list, `${file.name}: markers`, problems)) {
      if (phrase !== phrase.toLowerCase()) problems.push(`${file.name}: marker "${phrase}": expected lowercase`)
      else if (markedProvider) sink.markers.push({ phrase, provider: markedProvider })
    }
  }
  let fileReason: Reason | undefined
  let fileAction: Action | undefined
  let fileOrder = 0
  if (tier === 'reason') {
    fileReason = checkReason(doc.reason, `${file.name}: reason`, problems)
    fileAction = checkAction(doc.action, `${file.name}: action`, problems)
    if (typeof doc.order !== 'number' || !Number.isInteger(doc.order) || doc.order < 0) {
      problems.push(`${file.name}: order ${JSON.stringify(doc.order)}: expected a non-negative integer (lower is tried first)`)
    } else fileOrder = doc.order
    if (typeof doc['permanent-without-code'] !== 'boolean') {
      problems.push(`${file.name}: permanent-without-code ${JSON.stringify(doc['permanent-without-code'])}: expected true or false`)
    }
    const typicalStatus = optionalStatus(doc['typical-status'], `${file.name}: typical-status`, problems)
    if (fileReason) {
      sink.reasonDefaults[fileReason] = { permanentWithoutCode: doc['permanent-without-code'] === true, typicalStatus }
    }
  }
  const rawRules = doc.rule
  if (rawRules === undefined) return
  if (!Array.isArray(rawRules)) {
    problems.push(`${file.name}: rule: expected [[rule]] tables`)
    return
  }
  const ruleLines = linesOfRuleTables(file.text)
  rawRules.forEach((raw, index) => {
    const line = ruleLines[index]
    const id = typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : `#${index + 1}`
    const where = `${at(line)}: rule "${id}"`
    const draft = checkRule(raw as Record<string, unknown>, where, problems, {
      tier, provider, fileReason, fileAction, source: at(line),
    })
    if (draft) sink.drafts.push({ rule: draft, rank: rankOf(draft, fileIndex, fileOrder, index) })
  })
}

interface RuleContext {
  readonly tier: RuleTier
  readonly provider?: string
  readonly fileReason?: Reason
  readonly fileAction?: Action
  readonly source: string
}

function checkRule(raw: Record<string, unknown>, where: string, problems: string[], context: RuleContext): Omit<Rule, 'order'> | undefined {
  const before = problems.length
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) problems.push(`${where}: unknown key "${key}"; expected one of ${[...RULE_KEYS].join(', ')}`)
  }
  const id = raw.id
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) problems.push(`${where}: id ${JSON.stringify(id)}: expected a kebab-case id`)
  const example = raw.example
  if (typeof example !== 'string' || example.trim() === '') {
    problems.push(`${where}: example missing: expected the real reply this rule was written for`)
  }
  const codes = stringList(raw.codes, `${where}: codes`, problems)
  for (const code of codes) if (!CODE_PATTERN.test(code)) problems.push(`${where}: code "${code}": expected a reply code or its prefix ("550", "55", "5")`)
  const statuses = stringList(raw.statuses, `${where}: statuses`, problems)
  for (const status of statuses) if (!STATUS_PATTERN.test(status)) problems.push(`${where}: status "${status}": expected an enhanced status or its prefix ("5.7.26", "5.7", "5")`)
  const commands = stringList(raw.commands, `${where}: commands`, problems)
  for (const command of commands) if (!(SMTP_COMMANDS as readonly string[]).includes(command)) problems.push(`${where}: command "${command}": expected one of ${SMTP_COMMANDS.join(', ')}`)
  const phrases = lowercaseList(raw.phrases, `${where}: phrases`, problems)
  const also = lowercaseList(raw.also, `${where}: also`, problems)
  const unless = lowercaseList(raw.unless, `${where}: unless`, problems)
  if (context.tier === 'reason' && phrases.some((p, i) => i > 0 && phrases[i - 1] > p)) {
    problems.push(`${where}: phrases: expected alphabetical order in a reason file`)
  }
  let regex: string | undefined
  if (raw.regex !== undefined) {
    if (typeof raw.regex !== 'string') problems.push(`${where}: regex: expected a string`)
    else {
      try {
        new RegExp(raw.regex)
        regex = raw.regex
      } catch (error) {
        problems.push(`${where}: regex: ${(error as Error).message}`)
      }
    }
  }
  if (phrases.length === 0 && codes.length === 0 && statuses.length === 0) {
    problems.push(`${where}: matches everything: expected phrases, codes or statuses`)
  }
  if (phrases.length === 0 && (regex || also.length > 0) && codes.length === 0 && statuses.length === 0) {
    problems.push(`${where}: regex and also need phrases, codes or statuses beside them`)
  }
  if (context.tier === 'status' && statuses.length === 0) problems.push(`${where}: expected statuses in a status-tier file`)
  if (context.tier === 'reply-code' && codes.length === 0) problems.push(`${where}: expected codes in a reply-code-tier file`)
  const ruleProvider = raw.provider ?? context.provider
  if (raw.provider !== undefined && (context.tier !== 'provider' || typeof raw.provider !== 'string' || !ID_PATTERN.test(raw.provider))) {
    problems.push(`${where}: provider ${JSON.stringify(raw.provider)}: expected a kebab-case provider name, in a provider-tier file only`)
  }
  const requiresProvider = raw['requires-provider'] ?? false
  if (typeof requiresProvider !== 'boolean') problems.push(`${where}: requires-provider: expected true or false`)
  if (requiresProvider === true && context.tier !== 'provider') problems.push(`${where}: requires-provider: only a provider-tier rule has a provider`)
  const reason = raw.reason === undefined && context.fileReason ? context.fileReason : checkReason(raw.reason, `${where}: reason`, problems)
  const action = raw.action === undefined && context.fileAction ? context.fileAction : checkAction(raw.action, `${where}: action`, problems)
  if (reason === 'authfailure' && action === 'suppress_address') {
    problems.push(`${where}: action suppress_address for authfailure: an authentication failure is the sender's fault; expected fix_auth or a retry`)
  }
  const permanent = raw.permanent
  if (permanent !== undefined && typeof permanent !== 'boolean') problems.push(`${where}: permanent: expected true or false`)
  const typicalStatus = optionalStatus(raw['typical-status'], `${where}: typical-status`, problems)
  if (problems.length > before || !reason || !action) return undefined
  return {
    id: id as string,
    source: context.source,
    example: example as string,
    tier: context.tier,
    ...(context.tier === 'provider' && typeof ruleProvider === 'string' ? { provider: ruleProvider } : {}),
    codes, statuses, commands: commands as SmtpCommand[], phrases, also, unless,
    ...(regex ? { regex } : {}),
    requiresProvider: requiresProvider === true,
    reason, action,
    ...(typeof permanent === 'boolean' ? { permanent } : {}),
    ...(typicalStatus ? { typicalStatus } : {}),
  }
}

/** Tier first; then, inside a tier, what the tier says is more specific. */
function rankOf(rule: Omit<Rule, 'order'>, fileIndex: number, fileOrder: number, index: number): number[] {
  const tier = RULE_TIERS.indexOf(rule.tier)
  switch (rule.tier) {
    case 'provider':
      return [tier, 0, fileIndex * RULES_PER_FILE + index]
    case 'reason':
      return [tier, fileOrder, fileIndex * RULES_PER_FILE + index]
    case 'status':
      return [tier, 3 - Math.max(...rule.statuses.map((s) => s.split('.').length)), fileIndex * RULES_PER_FILE + index]
    case 'reply-code':
      return [tier, 3 - Math.max(...rule.codes.map((c) => c.length)), fileIndex * RULES_PER_FILE + index]
  }
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

function checkReason(value: unknown, where: string, problems: string[]): Reason | undefined {
  if (Reason.is(value)) return value
  problems.push(`${where} ${JSON.stringify(value)}: expected a Sisimai reason name (userunknown, mailboxfull, blocked, …)`)
  return undefined
}

function checkAction(value: unknown, where: string, problems: string[]): Action | undefined {
  if (Action.is(value)) return value
  problems.push(`${where} ${JSON.stringify(value)}: expected one of ${ACTIONS.join(', ')}`)
  return undefined
}

function optionalStatus(value: unknown, where: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && FULL_STATUS_PATTERN.test(value)) return value
  problems.push(`${where} ${JSON.stringify(value)}: expected a full enhanced status such as "5.1.1"`)
  return undefined
}

function stringList(value: unknown, where: string, problems: string[]): string[] {
  if (value === undefined) return []
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')) return value as string[]
  problems.push(`${where}: expected a list of non-empty strings`)
  return []
}

function lowercaseList(value: unknown, where: string, problems: string[]): string[] {
  const list = stringList(value, where, problems)
  for (const phrase of list) {
    if (phrase !== phrase.toLowerCase()) problems.push(`${where}: "${phrase}": expected lowercase (matching ignores case)`)
    if (phrase.trim() !== phrase || /\s\s/.test(phrase)) problems.push(`${where}: "${phrase}": expected single spaces and no space at either end (matching folds runs of whitespace)`)
  }
  return list
}

/** Line (1-based) of each `[[rule]]`'s id, or of the header when it has no id line. */
function linesOfRuleTables(text: string): number[] {
  const lines = text.split('\n')
  const found: number[] = []
  let header = -1
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '[[rule]]') {
      if (header >= 0) found.push(header + 1)
      header = i
    } else if (header >= 0 && /^id\s*=/.test(line)) {
      found.push(i + 1)
      header = -1
    }
  }
  if (header >= 0) found.push(header + 1)
  return found
}

function lineOfKey(text: string, key: string): number | undefined {
  const index = text.split('\n').findIndex((line) => line.trimStart().startsWith(`${key} `) || line.trimStart().startsWith(`${key}=`))
  return index >= 0 ? index + 1 : undefined
}
