// `todoku validate [FILES...]`: checks bounce-rule files (default: all of data/bounce-rules) and
// that every rule's example is decided by that rule. Lists every problem; exits 1 when any.
import type { Command } from 'commander'
import { createReplyClassifier } from '../bounce/classify-reply.ts'
import { checkExamples } from '../bounce/rules/check-examples.ts'
import { compileRules } from '../bounce/rules/compile-rules.ts'
import { DEFAULT_RULES_DIR, parseRuleFiles, readRuleFiles, type RuleFileText } from '../bounce/rules/load-rules.ts'

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check bounce-rule files (default: all of data/bounce-rules) and that each rule decides its own example')
    .argument('[files...]', 'rule files or directories; checked together with the shipped rules they replace or extend')
    .action((files: string[]) => {
      const given = files.length > 0 ? readRuleFiles(files) : []
      const byName = new Map<string, RuleFileText>(readRuleFiles([DEFAULT_RULES_DIR]).map((file) => [file.name, file]))
      for (const file of given) byName.set(file.name, file)
      const outcome = parseRuleFiles([...byName.values()])
      const problems = outcome.ok ? checkExamples(compileRules(outcome.ruleSet), createReplyClassifier(compileRules(outcome.ruleSet))) : outcome.problems
      if (problems.length > 0) {
        process.stderr.write(`${problems.join('\n')}\n${problems.length} problem(s) in bounce rules\n`)
        process.exitCode = 1
        return
      }
      const count = outcome.ok ? outcome.ruleSet.rules.length : 0
      process.stdout.write(`ok: ${count} rules in ${byName.size} files, every example decided by its own rule\n`)
    })
}
