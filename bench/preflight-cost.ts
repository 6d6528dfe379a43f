// `npm run bench:preflight-cost`: what the content preflight at injection costs the API, as a
// share of its throughput. Runs bench/api.ts (64 keep-alive clients, a fresh file store, the
// server in a child process) ROUNDS times with the preflight off and on, alternating (off, on,
// off, on …) so that the drift of a shared machine hits both sides, and takes the cost pair by
// pair: 1 − on ÷ off. Env: ROUNDS (5), MESSAGES (10000), PREFLIGHT_THREADS (1, as `todoku serve`),
// BODIES (structured,raw), RAW_FILE (see bench/api.ts). On a small shared machine the rate of
// identical runs drifts by ±15 %, so the server's CPU per message (all its threads, from /proc)
// is compared too: 1 − CPU off ÷ CPU on is the cost where the server's CPU is what limits it,
// and it drifts far less. The last two lines are exactly:
//   preflight-cpu-cost-structured-pct S preflight-cpu-cost-raw-pct R
//   preflight-cost-structured-pct S preflight-cost-raw-pct R
// with S and R the medians of the pairs' costs, in percent.
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'

const rounds = Number(process.env.ROUNDS ?? 5)
const bodies = (process.env.BODIES ?? 'structured,raw').split(',')
const api = new URL('./api.ts', import.meta.url).pathname

function run(preflight: boolean): Record<string, { rate: number; cpu: number }> {
  const result = spawnSync(process.execPath, [api], {
    env: { ...process.env, PREFLIGHT: preflight ? '1' : '0', MESSAGES: process.env.MESSAGES ?? '10000' },
    encoding: 'utf8',
  })
  const last = /api-structured-msgs-per-s (\S+) api-raw-msgs-per-s (\S+)/.exec(result.stdout)
  const cpu = /api-structured-server-cpu-us-per-msg (\S+) api-raw-server-cpu-us-per-msg (\S+)/.exec(result.stdout)
  if (result.status !== 0 || last === null || cpu === null) throw new Error(`bench/api.ts failed (${result.status}): ${result.stderr || result.stdout}`)
  return { structured: { rate: Number(last[1]), cpu: Number(cpu[1]) }, raw: { rate: Number(last[2]), cpu: Number(cpu[2]) } }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const costs: Record<string, number[]> = Object.fromEntries(bodies.map((body) => [body, []]))
const cpuCosts: Record<string, number[]> = Object.fromEntries(bodies.map((body) => [body, []]))
for (let round = 1; round <= rounds; round++) {
  const off = run(false)
  const on = run(true)
  const parts = bodies.map((body) => {
    const cost = (1 - on[body].rate / off[body].rate) * 100
    const cpuCost = (1 - off[body].cpu / on[body].cpu) * 100
    costs[body].push(cost)
    cpuCosts[body].push(cpuCost)
    return `${body} ${off[body].rate.toFixed(0)} → ${on[body].rate.toFixed(0)} msgs/s (${cost.toFixed(1)} %), server CPU ${off[body].cpu.toFixed(0)} → ${on[body].cpu.toFixed(0)} µs/msg (${cpuCost.toFixed(1)} %)`
  })
  console.log(`round ${round}: ${parts.join('; ')}; load ${loadavg()[0].toFixed(1)}`)
}
const spread = (xs: number[]) => `${median(xs).toFixed(1)} % (${Math.min(...xs).toFixed(1)} to ${Math.max(...xs).toFixed(1)})`
for (const body of bodies) console.log(`${body}: cost median ${spread(costs[body])}; by server CPU ${spread(cpuCosts[body])}`)
const pct = (of: Record<string, number[]>, body: string) => (of[body] === undefined ? '-' : median(of[body]).toFixed(1))
console.log(`preflight-cpu-cost-structured-pct ${pct(cpuCosts, 'structured')} preflight-cpu-cost-raw-pct ${pct(cpuCosts, 'raw')}`)
console.log(`preflight-cost-structured-pct ${pct(costs, 'structured')} preflight-cost-raw-pct ${pct(costs, 'raw')}`)
