import type { ReplyClassifier } from '../classify-reply.ts'
import type { CompiledRules } from './compile-rules.ts'

/**
 * Classifies every rule's example and reports each one that is not decided by its own rule:
 * a different reason is a wrong rule or a wrong example; the same reason through another rule
 * means the rule is shadowed (it never decides its own example) and is dead weight or misplaced.
 */
export function checkExamples(compiled: CompiledRules, classifier: ReplyClassifier): string[] {
  const problems: string[] = []
  for (const rule of compiled.rules) {
    const verdict = classifier.classifyReply(rule.example)
    if (verdict.rule.id === rule.id) continue
    const by = `rule "${verdict.rule.id}" (${verdict.rule.source})`
    problems.push(verdict.reason === rule.reason
      ? `${rule.source}: rule "${rule.id}": example is decided by ${by}, also as ${rule.reason}; expected this rule to decide its own example`
      : `${rule.source}: rule "${rule.id}": example classifies as ${verdict.reason} by ${by}; expected ${rule.reason}`)
  }
  return problems
}
