// `todoku lint FILE.eml… [--json] [--lang ja] [--bulk] [--advertising]`: the content preflight
// on messages before a campaign. --json prints one JSON object per file:
// {"file", "findings": [{"id", "severity", "message", "where", "why", "fix", "source"}]}.
// The exit code is 1 when any finding is an error (or a file cannot be read).
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { lintMessage, type Finding, type LintOptions } from '../content/index.ts'
import { readMailInputs } from './read-mail-inputs.ts'

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('check messages before sending: RFC 5322/MIME, size, unsubscribe, 特定電子メール法, phishing signs, attachments, HTML')
    .argument('<files...>', 'messages: .eml files, directories, mbox files, or - for stdin')
    .option('--json', 'one JSON object per file')
    .option('--lang <lang>', 'language of the messages: en or ja', 'en')
    .option('--bulk', 'the messages are bulk mail (expect unsubscribe)')
    .option('--advertising', 'the messages are advertising (expect 特定電子メール法 display items)')
    .action((files: string[], options: { json?: boolean; lang: string; bulk?: boolean; advertising?: boolean }) => {
      if (options.lang !== 'en' && options.lang !== 'ja') {
        process.stderr.write(`todoku lint: --lang ${options.lang}: expected en or ja\n`)
        process.exitCode = 2
        return
      }
      const lintOptions: LintOptions = {
        lang: options.lang,
        ...(options.bulk === true ? { bulk: true } : {}),
        ...(options.advertising === true ? { advertising: true } : {}),
      }
      const failed = runLint(files, options.json === true, lintOptions, (text) => process.stdout.write(text), (text) => process.stderr.write(text))
      if (failed) process.exitCode = 1
    })
}

/** Lints every message; true when any finding is an error or an input could not be read. */
export function runLint(files: readonly string[], json: boolean, options: LintOptions, out: (text: string) => void, err: (text: string) => void): boolean {
  let failed = false
  for (const input of readMailInputs(files, () => readFileSync(0))) {
    if ('error' in input) {
      err(`todoku lint: reading ${input.file}: ${input.error}\n`)
      failed = true
      continue
    }
    const label = input.index === undefined ? input.file : `${input.file} (mail ${input.index})`
    const findings = lintMessage(input.bytes, options)
    if (findings.some((finding) => finding.severity === 'error')) failed = true
    out(json ? `${JSON.stringify({ file: input.file, ...(input.index === undefined ? {} : { index: input.index }), findings })}\n` : toHuman(label, findings, options.lang ?? 'en'))
  }
  return failed
}

function toHuman(label: string, findings: readonly Finding[], lang: 'en' | 'ja'): string {
  if (findings.length === 0) return `${label}: ${lang === 'ja' ? '問題なし' : 'no findings'}\n`
  const lines = [`${label}:`]
  for (const finding of findings) {
    const where = [finding.where.header, finding.where.part ? `part ${finding.where.part}` : undefined, finding.where.line === undefined ? undefined : `line ${finding.where.line}`].filter(Boolean).join(', ')
    lines.push(`  ${finding.severity.padEnd(7)} ${finding.id}${where === '' ? '' : ` (${where})`}: ${finding.message}`)
    lines.push(`          fix: ${finding.fix}`)
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length
  lines.push(lang === 'ja' ? `  エラー ${errors} 件、警告など ${findings.length - errors} 件` : `  ${errors} error(s), ${findings.length - errors} other finding(s)`)
  return `${lines.join('\n')}\n`
}
