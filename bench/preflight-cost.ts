// `npm run bench:preflight-cost`: what the content preflight at injection costs the API, as a
// share of its throughput.
//
// One server per body (bench/api.ts --serve with PREFLIGHT=alternate: a fresh file store, the
// API over fsync'd group commits, one lint thread for messages over 16 KiB as `todoku serve` has), in a child process;
// this process is its client: CONCURRENCY (64) keep-alive connections post without a pause
// while the preflight is switched off, on, off … every PHASE_MESSAGES (2,000) answers, PHASES
// (10) times on, each between two phases off, after WARMUP (3,000) messages with it on. A phase is timed
// from its 2 × CONCURRENCY-th answer (those to requests sent before the switch are in by then)
// to its last, and the server's CPU per message over the same stretch is read from /proc.
// The cost of a phase on is 1 − its rate ÷ the mean rate of the phases off on either side;
// the figure is the median of those. The speed of a small shared machine drifts by ±20 % from
// one minute to the next; phases of a second or two, side by side in one process, see the same
// machine, where whole runs taken in turn differed from −12 to +26 % pair to pair.
// Env: BODIES (structured,raw), PHASES, PHASE_MESSAGES, WARMUP, CONCURRENCY, PREFLIGHT_THREADS,
// PREFLIGHT_INLINE_MAX_BYTES (bench/api.ts).
// The last two lines are exactly:
//   preflight-cpu-cost-structured-pct S preflight-cpu-cost-raw-pct R
//   preflight-cost-structured-pct S preflight-cost-raw-pct R
// with S and R the medians, in percent.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiClient } from './api-client.ts'
import { RAW_MESSAGE, STRUCTURED_MESSAGE } from './api-messages.ts'

const PHASES = Number(process.env.PHASES ?? 10)
const PHASE_MESSAGES = Number(process.env.PHASE_MESSAGES ?? 2000)
const WARMUP = Number(process.env.WARMUP ?? 3000)
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64)
/** answers of a phase left out of its timing: requests sent before the switch */
const SETTLING = 2 * CONCURRENCY
if (PHASE_MESSAGES <= 2 * SETTLING) throw new RangeError(`PHASE_MESSAGES is ${PHASE_MESSAGES}: expected more than ${2 * SETTLING}, twice the answers each phase leaves out`)

const BODIES: Record<string, string> = {
  structured: JSON.stringify(STRUCTURED_MESSAGE),
  raw: JSON.stringify({ raw: Buffer.from(RAW_MESSAGE).toString('base64'), envelope: { mailFrom: 'news@example.jp', recipients: ['reader@example.com'] } }),
}

interface Phase {
  readonly isChecking: boolean
  rate: number
  /** the server's CPU per message, µs */
  cpu: number
  /** the same by thread (main, todoku-store, todoku-lint, other) */
  threads: Record<string, number>
}

/** A server that answers its commands in order: each reply settles the oldest command waiting. */
function commander(child: ChildProcess): (command: unknown) => Promise<Record<string, unknown>> {
  const waiting: ((reply: Record<string, unknown>) => void)[] = []
  child.on('message', (reply) => waiting.shift()?.(reply as Record<string, unknown>))
  return (command) => new Promise((resolve) => {
    waiting.push(resolve)
    child.send(command as string)
  })
}

async function measure(body: string): Promise<Phase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'todoku-bench-preflight-'))
  const child = fork(new URL('./api.ts', import.meta.url).pathname, ['--serve', dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, PREFLIGHT: 'alternate' },
  })
  try {
    const { port, token } = await new Promise<{ port: number; token: string }>((resolve) => child.once('message', (m) => resolve(m as { port: number; token: string })))
    const command = commander(child)
    const client = apiClient(port, token, body, CONCURRENCY)
    const post = client.post

    const phases: Phase[] = []
    const pending: Promise<void>[] = []
    const total = 2 * PHASES + 1
    let answers = 0
    let phaseStarted = 0
    let timedFrom = 0
    let isDone = false
    // phase n (from 0) is off when n is even: off, on, off … off
    const startPhase = (index: number) => {
      phaseStarted = answers
      pending.push(command({ preflight: index % 2 === 1 }).then(() => undefined))
    }
    const onAnswer = () => {
      answers++
      if (answers < WARMUP) return
      if (answers === WARMUP) return startPhase(0)
      const inPhase = answers - phaseStarted
      if (inPhase === SETTLING) {
        timedFrom = performance.now()
        pending.push(command('mark').then(() => undefined))
      } else if (inPhase === PHASE_MESSAGES) {
        const phase: Phase = { isChecking: phases.length % 2 === 1, rate: (PHASE_MESSAGES - SETTLING) / ((performance.now() - timedFrom) / 1000), cpu: 0, threads: {} }
        phases.push(phase)
        pending.push(command('measure').then((reply) => {
          phase.threads = reply.cpuUsPerMessage as Record<string, number>
          phase.cpu = Object.values(phase.threads).reduce((sum, us) => sum + us, 0)
        }))
        if (phases.length === total) isDone = true
        else startPhase(phases.length)
      }
    }
    // the warm-up with the preflight on: the code both sides run, and the lint thread's
    await command({ preflight: true })
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (!isDone) {
        const status = await post()
        if (status !== 202) throw new Error(`POST /v1/messages answered ${status}, expected 202`)
        onAnswer()
      }
    }))
    client.close()
    await Promise.all(pending)
    await command('stop')
    return phases
  } finally {
    child.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const spread = (xs: readonly number[]) => `${median(xs).toFixed(1)} % (${Math.min(...xs).toFixed(1)} to ${Math.max(...xs).toFixed(1)})`

const costs: Record<string, number[]> = {}
const cpuCosts: Record<string, number[]> = {}
for (const name of (process.env.BODIES ?? 'structured,raw').split(',')) {
  const body = BODIES[name]
  if (body === undefined) throw new Error(`BODIES: ${name}: expected structured or raw`)
  const phases = await measure(body)
  costs[name] = []
  cpuCosts[name] = []
  for (let index = 1; index < phases.length; index += 2) {
    const [before, on, after] = [phases[index - 1], phases[index], phases[index + 1]]
    const cost = (1 - on.rate / ((before.rate + after.rate) / 2)) * 100
    const cpuCost = (1 - (before.cpu + after.cpu) / 2 / on.cpu) * 100
    costs[name].push(cost)
    cpuCosts[name].push(cpuCost)
    console.log(`${name} phase ${(index + 1) / 2}: off ${before.rate.toFixed(0)}, on ${on.rate.toFixed(0)}, off ${after.rate.toFixed(0)} msgs/s (${cost.toFixed(1)} %); server CPU ${before.cpu.toFixed(0)}, ${on.cpu.toFixed(0)}, ${after.cpu.toFixed(0)} µs/msg (${cpuCost.toFixed(1)} %)`)
  }
  // where the CPU goes: each thread's mean µs a message, phases off and on
  const byThread = (isChecking: boolean) => {
    const of = phases.filter((phase) => phase.isChecking === isChecking)
    const names = [...new Set(of.flatMap((phase) => Object.keys(phase.threads)))]
    return names.map((thread) => `${thread} ${(of.reduce((sum, phase) => sum + (phase.threads[thread] ?? 0), 0) / of.length).toFixed(0)}`).join(', ')
  }
  console.log(`${name}: server CPU per message by thread, off: ${byThread(false)}; on: ${byThread(true)}`)
  console.log(`${name}: cost median ${spread(costs[name])}; by server CPU ${spread(cpuCosts[name])}; load ${loadavg()[0].toFixed(1)}`)
}
const pct = (of: Record<string, number[]>, body: string) => (of[body] === undefined ? '-' : median(of[body]).toFixed(1))
console.log(`preflight-cpu-cost-structured-pct ${pct(cpuCosts, 'structured')} preflight-cpu-cost-raw-pct ${pct(cpuCosts, 'raw')}`)
console.log(`preflight-cost-structured-pct ${pct(costs, 'structured')} preflight-cost-raw-pct ${pct(costs, 'raw')}`)
