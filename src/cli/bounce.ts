// `todoku bounce FILE... [--json]`: what bounce emails say, one result per recipient. FILE may be
// `-` (stdin), a maildir or any directory (each file), or an mbox (each mail). --json prints one
// JSON object per recipient and nothing for a mail that is not a bounce.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parseBounce, type BounceResult } from '../bounce/parse-bounce.ts'
import { readMailInputs } from './read-mail-inputs.ts'

export function registerBounce(program: Command): void {
  program
    .command('bounce')
    .description('read bounce emails (files, mbox, maildir, or - for stdin): reason, status, action per recipient')
    .argument('<files...>', 'bounce emails: files, directories, mbox files, or - for stdin')
    .option('--json', 'one JSON object per recipient')
    .action((files: string[], options: { json?: boolean }) => {
      const failed = runBounce(files, options.json === true, (text) => process.stdout.write(text), (text) => process.stderr.write(text))
      if (failed > 0) process.exitCode = 1
    })
}

/** Reads and reports every mail; returns how many inputs could not be read. */
export function runBounce(files: readonly string[], json: boolean, out: (text: string) => void, err: (text: string) => void): number {
  let failed = 0
  const lines: string[] = []
  const flush = () => {
    if (lines.length > 0) out(lines.join(''))
    lines.length = 0
  }
  for (const input of readMailInputs(files, () => readFileSync(0))) {
    const label = 'index' in input && input.index !== undefined ? `${input.file} (mail ${input.index})` : input.file
    if ('error' in input) {
      flush()
      err(`todoku bounce: reading ${input.file}: ${input.error}\n`)
      failed++
      continue
    }
    let results: BounceResult[]
    try {
      results = parseBounce(input.bytes)
    } catch (error) {
      // A coded TodokuError is broken configuration (the bounce rules did not load): stop once, loudly.
      if ((error as { code?: string }).code) throw error
      // parseBounce promises never to throw on malformed input; if it does, it is a bug: say where, carry on.
      flush()
      err(`todoku bounce: analyzing ${label}: ${(error as Error).stack ?? error}\n`)
      failed++
      continue
    }
    if (json) {
      for (const result of results) lines.push(toJsonLine(input.file, input.index, result))
    } else {
      lines.push(toHumanBlock(label, results))
    }
    if (lines.length >= 256) flush()
  }
  flush()
  return failed
}

function toJsonLine(file: string, index: number | undefined, r: BounceResult): string {
  const row: Record<string, unknown> = {
    file,
    recipient: r.recipient,
    reason: r.reason,
    status: r.status,
    replyCode: r.replyCode,
    hardBounce: r.hardBounce,
    permanent: r.permanent,
    action: r.action,
    dsnAction: r.dsnAction,
    diagnosticCode: r.diagnosticCode,
    source: r.source,
    rule: r.rule,
  }
  if (index !== undefined) row.message = index
  if (r.command) row.command = r.command
  if (r.provider) row.provider = r.provider
  if (r.remoteMta) row.remoteMta = r.remoteMta
  if (r.reportingMta) row.reportingMta = r.reportingMta
  if (r.arrivalDate) row.arrivalDate = r.arrivalDate
  if (r.lastAttemptDate) row.lastAttemptDate = r.lastAttemptDate
  if (r.feedbackType) row.feedbackType = r.feedbackType
  const original = Object.fromEntries(Object.entries(r.original).filter(([key, value]) =>
    value !== undefined && !(key === 'todokuHeaders' && Object.keys(value as object).length === 0)))
  if (Object.keys(original).length > 0) row.original = original
  return `${JSON.stringify(row)}\n`
}

function toHumanBlock(label: string, results: readonly BounceResult[]): string {
  if (results.length === 0) return `${label}: not a bounce\n`
  const rows = results.map((r) => [
    r.recipient,
    r.reason,
    [r.replyCode || '-', r.status || '-'].join(' '),
    r.hardBounce === null ? 'n/a' : r.hardBounce ? 'hard' : 'soft',
    r.action,
    r.source,
  ])
  const header = ['recipient', 'reason', 'reply', 'hard', 'action', 'source']
  const widths = header.map((name, i) => Math.max(name.length, ...rows.map((row) => row[i].length)))
  const format = (row: readonly string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ') + '\n'
  const details = results.map((r) => `  ${r.recipient}: ${oneLine(r.diagnosticCode) || '(no diagnostic text)'}  [rule ${r.rule.id}]\n`)
  return `${label}\n` + format(header).replace(/^/, '  ') + rows.map((row) => '  ' + format(row)).join('') + details.join('')
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? flat.slice(0, 197) + '...' : flat
}
