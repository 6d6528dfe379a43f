// `npm run bench:mta`: todoku against Postfix with the shared MTA harness (../shared/bench/mta,
// bin/e2e.mjs), runs interleaved in one call — Postfix tuned, todoku signing with RSA-2048 DKIM,
// todoku without DKIM (both like Postfix without a content filter), and todoku signing with its
// content preflight on (src/content, as `todoku serve` runs by default) — each run: N messages of 10 KB injected (Postfix: smtp-source over SMTP;
// todoku: its HTTP API, bench/mta/inject.ts), durably queued, and delivered to Postfix's
// smtp-sink on loopback; the clock stops when the sink has N and the queue is empty.
// Env: N (20000) RUNS (3) CONC (50) MTA_BENCH_DIR (../shared/bench/mta) OUT (bench/out/mta-e2e.jsonl).
// Needs root (the harness runs in a loopback-only network namespace) and Postfix installed.
// The last line is exactly:
//   mta-ratio-vs-postfix R todoku-msgs-per-s T postfix-msgs-per-s P
// with R the median of the run-by-run ratios todoku (DKIM) ÷ Postfix, T and P the medians.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '../..')
const harness = resolve(process.env.MTA_BENCH_DIR ?? join(repo, '../shared/bench/mta'))
const out = resolve(process.env.OUT ?? join(repo, 'bench/out/mta-e2e.jsonl'))
const n = Number(process.env.N ?? 20_000)
const runs = Number(process.env.RUNS ?? 3)
const conc = Number(process.env.CONC ?? 50)
const adapter = join(repo, 'bench/mta/todoku.sh')
const contenders = [
  { label: `postfix/tuned (concurrency ${conc})`, sut: 'postfix', profile: 'tuned' },
  { label: 'todoku/dkim-rsa2048', sut: adapter, profile: 'dkim' },
  { label: 'todoku/no-dkim', sut: adapter, profile: 'nodkim' },
  { label: 'todoku/dkim-rsa2048+preflight', sut: adapter, profile: 'dkim+preflight' },
]

if (!existsSync(join(harness, 'bin/e2e.mjs'))) {
  process.stderr.write(`bench:mta: no MTA harness at ${harness}: expected ../shared/bench/mta beside this repository, or MTA_BENCH_DIR\n`)
  process.exit(2)
}
mkdirSync(dirname(out), { recursive: true })
const offset = existsSync(out) ? statSync(out).size : 0
const run = spawnSync(process.execPath, [
  join(harness, 'bin/e2e.mjs'),
  '--sut', contenders.map((c) => c.sut).join(','),
  '--profile', contenders.map((c) => c.profile).join(','),
  '--label', contenders.map((c) => c.label).join(','),
  '--n', String(n), '--runs', String(runs), '--conc', String(conc), '--size', '10k', '--out', out,
], { stdio: 'inherit' })
if (run.status !== 0) process.exit(run.status ?? 1)

interface Row { label: string; run: number; ok: boolean; msgsPerS: number; injectMsgsPerS: number; sutCpuMsPerMsg: number; load1: number; e2eS: number; sutStatus?: string }
const rows = readFileSync(out, 'utf8').slice(offset).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Row)
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const range = (xs: number[], digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`
const byLabel = (label: string) => rows.filter((row) => row.label === label).sort((a, b) => a.run - b.run)

console.log(`\nMTA end to end, N=${n} × 10 KB, ${runs} interleaved runs, concurrency ${conc}: median (min–max)`)
for (const { label } of contenders) {
  const own = byLabel(label)
  console.log(`  ${label}: ${range(own.map((r) => r.msgsPerS))} msgs/s delivered, accepted ${range(own.map((r) => r.injectMsgsPerS))} msgs/s, ` +
    `SUT CPU ${range(own.map((r) => r.sutCpuMsPerMsg), 2)} ms/msg; load average ${own.map((r) => r.load1.toFixed(1)).join(', ')}${own.every((r) => r.ok) ? '' : '  (NOT OK runs)'}`)
}
// todoku's CPU per thread (bench/mta/todoku.sh status), ms per message, median over the runs
for (const { label } of contenders.slice(1)) {
  const perThread = new Map<string, number[]>()
  for (const row of byLabel(label)) {
    const threads = /\{"threadCpuS":(\{[^}]*\})\}/.exec(row.sutStatus ?? '')
    if (threads === null) continue
    for (const [name, seconds] of Object.entries(JSON.parse(threads[1]) as Record<string, number>)) {
      if (seconds > 0) perThread.set(name, [...perThread.get(name) ?? [], seconds * 1000 / n])
    }
  }
  if (perThread.size > 0) console.log(`  ${label} CPU ms/msg by thread: ${[...perThread].sort((a, b) => median(b[1]) - median(a[1])).map(([name, ms]) => `${name} ${median(ms).toFixed(2)}`).join(', ')}`)
}
const postfix = byLabel(contenders[0].label)
const ratios = (label: string) => byLabel(label).map((row, i) => row.msgsPerS / postfix[i].msgsPerS)
console.log(`  ratio todoku/dkim-rsa2048 ÷ Postfix, run by run: ${range(ratios(contenders[1].label), 3)}`)
console.log(`  ratio todoku/no-dkim ÷ Postfix, run by run: ${range(ratios(contenders[2].label), 3)}`)
console.log(`  ratio todoku/dkim-rsa2048+preflight ÷ Postfix, run by run: ${range(ratios(contenders[3].label), 3)}`)
const ratio = median(ratios(contenders[1].label))
console.log(`mta-ratio-vs-postfix ${ratio.toFixed(2)} todoku-msgs-per-s ${median(byLabel(contenders[1].label).map((r) => r.msgsPerS)).toFixed(0)} postfix-msgs-per-s ${median(postfix.map((r) => r.msgsPerS)).toFixed(0)}`)
