// The preflight: every check over one message, findings in the account's language. Pure.
import { checkAttachments } from './checks/attachments.ts'
import { DEFAULT_SIZE_THRESHOLDS, type Check, type CheckContext, type LintOptions } from './checks/check.ts'
import { checkHeaders } from './checks/headers.ts'
import { checkHtml } from './checks/html.ts'
import { checkMime } from './checks/mime.ts'
import { checkFrom, checkLinks, checkWording } from './checks/phishing.ts'
import { checkSize } from './checks/size.ts'
import { checkTokutei } from './checks/tokutei.ts'
import { checkUnsubscribe } from './checks/unsubscribe.ts'
import type { Finding, Hit } from './finding.ts'
import { MAX_FINDINGS_PER_CHECK } from './limits.ts'
import { gatherFacts } from './message-facts.ts'
import { readMessage } from './read-message.ts'
import { defaultContentRules, type ContentRules } from './rules.ts'

/** The checks, in report order. Registered here explicitly. */
export const CHECKS: readonly { readonly name: string; readonly run: Check }[] = [
  { name: 'headers', run: checkHeaders },
  { name: 'mime', run: checkMime },
  { name: 'size', run: checkSize },
  { name: 'unsubscribe', run: checkUnsubscribe },
  { name: 'tokutei', run: checkTokutei },
  { name: 'wording', run: checkWording },
  { name: 'links', run: checkLinks },
  { name: 'from', run: checkFrom },
  { name: 'attachments', run: checkAttachments },
  { name: 'html', run: checkHtml },
]

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const

/**
 * What receivers will dislike about a message (its whole RFC 5322 bytes), errors first. Never
 * throws on malformed input: a check that fails is a bug and is reported as one (`lint.internal`).
 */
export function lintMessage(bytes: Uint8Array, options: LintOptions = {}, rules: ContentRules = defaultContentRules()): Finding[] {
  const context: CheckContext = { rules, options, sizes: options.sizes === undefined ? DEFAULT_SIZE_THRESHOLDS : { ...DEFAULT_SIZE_THRESHOLDS, ...options.sizes } }
  const facts = gatherFacts(readMessage(bytes), rules)
  const findings: Finding[] = []
  const perId = new Map<string, number>()
  for (const check of CHECKS) {
    for (const hit of check.run(facts, context)) {
      const count = perId.get(hit.id) ?? 0
      perId.set(hit.id, count + 1)
      if (count < MAX_FINDINGS_PER_CHECK) findings.push(renderHit(hit, rules, options.lang ?? 'en'))
    }
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
}

/** A hit with its texts from data/content-rules/checks.toml. */
export function renderHit(hit: Hit, rules: ContentRules, lang: 'en' | 'ja'): Finding {
  const text = rules.checks.get(hit.id)
  if (text === undefined) throw new Error(`content check id "${hit.id}" is missing from data/content-rules/checks.toml`)
  const fill = (template: string) => template.replace(/\{(\w+)\}/g, (all, name: string) => hit.vars?.[name] === undefined ? all : String(hit.vars[name]))
  return {
    id: hit.id,
    severity: text.severity,
    message: fill(lang === 'ja' ? text.messageJa : text.message),
    where: hit.where,
    why: text.why,
    fix: fill(text.fix),
    source: text.source,
  }
}
