// Throughput of classifyReply over the labelled corpus replies, repeated: prints `replies-per-s N`.
// Run: node bench/replies.ts [seconds]   (reads ../shared/corpus/replies/replies-dev.jsonl in place)
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { classifyReply } from '../src/bounce/classify-reply.ts'

const corpus = fileURLToPath(new URL('../../shared/corpus/replies/replies-dev.jsonl', import.meta.url))
if (!existsSync(corpus)) {
  process.stderr.write(`bench/replies: ${corpus} not found; the shared corpus is needed\n`)
  process.exit(1)
}
const replies = readFileSync(corpus, 'utf8').split('\n').filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { reply: string }).reply.split(/\r?\n/).join(' '))
const seconds = Number(process.argv[2] ?? 3)

// Warm up: load and compile the rules, let the JIT settle.
let sink = 0
for (let i = 0; i < 200_000; i++) sink += classifyReply(replies[i % replies.length]).permanent ? 1 : 0

let count = 0
const start = process.hrtime.bigint()
const budget = BigInt(Math.round(seconds * 1e9))
let elapsed = 0n
while (elapsed < budget) {
  for (let i = 0; i < replies.length; i++) sink += classifyReply(replies[i]).permanent ? 1 : 0
  count += replies.length
  elapsed = process.hrtime.bigint() - start
}
const perSecond = Math.round(count / (Number(elapsed) / 1e9))
process.stdout.write(`replies-per-s ${perSecond}\n`)
if (sink < 0) process.stdout.write('unreachable\n')
