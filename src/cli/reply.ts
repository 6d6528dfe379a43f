// `todoku reply [TEXT] [--json]`: what an SMTP reply means. Without TEXT, reads stdin, one reply
// per line; --json prints exactly one JSON object per input line, in order.
import type { Command } from 'commander'
import { classifyReply } from '../bounce/classify-reply.ts'
import type { Verdict } from '../bounce/verdict.ts'

export function registerReply(program: Command): void {
  program
    .command('reply')
    .description('classify an SMTP reply (or stdin, one reply per line): reason, permanence, action and the deciding rule')
    .argument('[text]', 'the reply, e.g. "550 5.1.1 user unknown"; omit to read stdin')
    .option('--json', 'one JSON object per reply')
    .action(async (text: string | undefined, options: { json?: boolean }) => {
      const replies = text === undefined ? splitLines(await readStdin()) : [text]
      const format = options.json ? toJsonLine : toHumanBlock
      const out: string[] = []
      for (const reply of replies) out.push(format(classifyReply(reply)))
      process.stdout.write(options.json ? out.join('') : out.join('\n'))
    })
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** One reply per line; a final newline ends the last line rather than starting an empty one. */
function splitLines(input: string): string[] {
  if (input === '') return []
  const lines = input.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
  if (input.endsWith('\n')) lines.pop()
  return lines
}

function toJsonLine(verdict: Verdict): string {
  const { replyCode, status, reason, permanent, hardBounce, action, provider, rule } = verdict
  return `${JSON.stringify({ replyCode, status, reason, permanent, hardBounce, action, provider: provider ?? null, rule })}\n`
}

function toHumanBlock(verdict: Verdict): string {
  const rows: [string, string][] = [
    ['reason', verdict.reason],
    ['action', verdict.action],
    ['permanent', verdict.permanent ? 'yes' : 'no'],
    ['hard bounce', verdict.hardBounce === null ? 'n/a' : verdict.hardBounce ? 'yes' : 'no'],
    ['reply', [verdict.replyCode || '-', verdict.status || '-'].join(' ')],
    ['provider', verdict.provider ?? '-'],
    ['rule', `${verdict.rule.id} (${verdict.rule.source})`],
  ]
  return rows.map(([name, value]) => `${name.padEnd(12)}${value}\n`).join('')
}
