// `npm run bench:api`: messages accepted per second through the HTTP API, durably.
//
// A child process runs todoku's API (createInjector + startApi over the SQLite store in a
// temporary data folder, fsync'd group commits) on 127.0.0.1; this process is the client:
// CONCURRENCY keep-alive connections POST /v1/messages until MESSAGES are accepted (202).
// Two bodies, each ~10 KB of message: `structured` (from/to/subject/text/html, composed by
// todoku) and `raw` (a 10 KB RFC 5322 message in base64 with an envelope). Client and server
// share the machine's cores, as they would on one box. BENCH_MEMORY=1 runs the store in memory
// (no fsync) to show what the commits cost; PROFILE_DIR=dir writes the server's CPU profile;
// PREFLIGHT=1 runs the content preflight (src/content, no scanners; policy warn) on every message,
// on PREFLIGHT_THREADS lint threads (default 1, as `todoku serve`; 0: on the server's main thread)
// for messages over PREFLIGHT_INLINE_MAX_BYTES (default 16 KiB, as `todoku serve`; 0: every message);
// PREFLIGHT=alternate (with --serve) lets the client switch it on and off (bench/preflight-cost.ts).
// RAW_FILE=msg.eml sends that message as the raw body instead of the plain 10 KB one;
// BODIES=raw (or structured) runs one body only; LOADGEN=wrk loads the server with wrk (Debian's
// package) for WRK_SECONDS instead of this process's node:http client.
// The last line is the summary, exactly:
//   api-structured-msgs-per-s S api-raw-msgs-per-s R
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiClient } from './api-client.ts'
import { RAW_MESSAGE, STRUCTURED_MESSAGE } from './api-messages.ts'

const MESSAGES = Number(process.env.MESSAGES ?? 20_000)
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64)

if (process.argv[2] === '--serve') {
  const { systemClock, systemRandom } = await import('../src/core/index.ts')
  const { openSqliteStore } = await import('../src/store/index.ts')
  const { createInjector } = await import('../src/injection/index.ts')
  const { startApi } = await import('../src/api/index.ts')
  const store = await openSqliteStore({ path: process.env.BENCH_MEMORY === '1' ? ':memory:' : process.argv[3], clock: systemClock, random: systemRandom })
  await store.putDomain({ name: 'example.jp', tenantId: 'bench', dkimKeys: [], requireTls: false })
  // the sending domain of ../shared/bench/mta's message, for RAW_FILE
  await store.putDomain({ name: 'mail.example.test', tenantId: 'bench', dkimKeys: [], requireTls: false })
  const { token } = await store.createApiKey({ tenantId: 'bench', name: 'bench', scopes: ['messages:send'] })
  const { createPreflight } = await import('../src/content/index.ts')
  let queued = 0
  const deps = { store, clock: systemClock, random: systemRandom, onQueued: () => queued++ }
  const plain = createInjector(deps)
  // PREFLIGHT=alternate: two injectors on one store, the one with the preflight taking the
  // requests after { preflight: true } until { preflight: false } (bench/preflight-cost.ts)
  const checked = process.env.PREFLIGHT === '1' || process.env.PREFLIGHT === 'alternate'
    ? createInjector({ ...deps, preflight: createPreflight({
      threads: Number(process.env.PREFLIGHT_THREADS ?? 1),
      ...(process.env.PREFLIGHT_INLINE_MAX_BYTES === undefined ? {} : { inlineMaxBytes: Number(process.env.PREFLIGHT_INLINE_MAX_BYTES) }),
    }) })
    : undefined
  let isChecking = process.env.PREFLIGHT === '1'
  const injector: typeof plain = { limits: plain.limits, inject: (request) => (isChecking && checked !== undefined ? checked : plain).inject(request) }
  const api = await startApi({ store, injector, log: { info: () => {}, error: (message, fields) => console.error(message, fields) } }, { host: '127.0.0.1', port: 0 })
  process.send?.({ port: api.port, token })
  // 'mark' after the warm-up; 'measure' answers the CPU per message queued since, per thread;
  // 'stop' answers it and ends the server
  let cpuAtMark = threadCpuSeconds()
  process.on('message', async (command: string | { preflight: boolean }) => {
    if (typeof command === 'object') {
      isChecking = command.preflight
      process.send?.({ preflight: isChecking })
      return
    }
    if (command === 'mark') {
      cpuAtMark = threadCpuSeconds()
      queued = 0
      process.send?.({ marked: true })
      return
    }
    const now = threadCpuSeconds()
    const perMessage: Record<string, number> = {}
    for (const [name, seconds] of now) perMessage[name] = (seconds - (cpuAtMark.get(name) ?? 0)) * 1e6 / Math.max(queued, 1)
    process.send?.({ cpuUsPerMessage: perMessage })
    if (command === 'measure') return
    await api.close()
    await store.close()
    process.exit(0)
  })
} else {
  const structured = JSON.stringify(STRUCTURED_MESSAGE)
  const rawMessage = RAW_MESSAGE
  const rawBytes = process.env.RAW_FILE === undefined ? Buffer.from(rawMessage) : readFileSync(process.env.RAW_FILE)
  const raw = JSON.stringify({ raw: rawBytes.toString('base64'), envelope: { mailFrom: 'news@example.jp', recipients: ['reader@example.com'] } })

  const results: Record<string, number> = {}
  const cpuPerMessage: Record<string, number> = {}
  const bodies = ([['structured', structured], ['raw', raw]] as const).filter(([name]) => (process.env.BODIES ?? 'structured,raw').split(',').includes(name))
  for (const [name, body] of bodies) {
    const dataDir = mkdtempSync(join(tmpdir(), 'todoku-bench-api-'))
    const child = fork(new URL(import.meta.url).pathname, ['--serve', dataDir], { stdio: 'inherit', execArgv: process.env.PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', process.env.PROFILE_DIR] })
    try {
      const { port, token } = await new Promise<{ port: number; token: string }>((resolve) => child.once('message', (m) => resolve(m as { port: number; token: string })))
      const mark = () => child.send('mark')
      const rate = process.env.LOADGEN === 'wrk' ? loadWithWrk(port, token, body, dataDir, mark) : await load(port, token, Buffer.from(body), mark)
      results[name] = rate
      console.log(`${name}: ${Buffer.byteLength(body)} byte bodies, ${MESSAGES} messages, ${CONCURRENCY} connections: ${rate.toFixed(0)} accepted msgs/s`)
    } finally {
      const cpu = await stop(child)
      rmSync(dataDir, { recursive: true, force: true })
      if (cpu !== undefined) {
        const total = Object.values(cpu).reduce((sum, us) => sum + us, 0)
        cpuPerMessage[name] = total
        console.log(`  server CPU per message: ${total.toFixed(0)} µs (${Object.entries(cpu).sort((a, b) => b[1] - a[1]).map(([thread, us]) => `${thread} ${us.toFixed(0)}`).join(', ')})`)
      }
    }
  }
  console.log(`api-structured-server-cpu-us-per-msg ${cpuPerMessage.structured?.toFixed(1) ?? '-'} api-raw-server-cpu-us-per-msg ${cpuPerMessage.raw?.toFixed(1) ?? '-'}`)
  console.log(`api-structured-msgs-per-s ${results.structured?.toFixed(0) ?? '-'} api-raw-msgs-per-s ${results.raw?.toFixed(0) ?? '-'}`)
}

async function load(port: number, token: string, body: Buffer, mark: () => void): Promise<number> {
  const client = apiClient(port, token, body, CONCURRENCY)
  const post = client.post
  let sent = 0
  let accepted = 0
  // warm up: JIT, the first commits
  await Promise.all(Array.from({ length: CONCURRENCY }, () => post()))
  mark()
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < MESSAGES) {
      sent++
      const status = await post()
      if (status !== 202) throw new Error(`POST /v1/messages answered ${status}, expected 202`)
      accepted++
    }
  }))
  const seconds = (performance.now() - started) / 1000
  client.close()
  return accepted / seconds
}

/**
 * LOADGEN=wrk: the load from wrk (C, epoll; Debian's package) instead of this process's node:http
 * client, which spends about as much CPU per request as the server does: with wrk the server
 * gets the cores the client leaves, as it would with its clients on other machines. CONCURRENCY
 * connections for WRK_SECONDS (10); every answer must be a success.
 */
function loadWithWrk(port: number, token: string, body: string, dir: string, mark: () => void): number {
  const script = join(dir, 'post.lua')
  writeFileSync(script, [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.headers["Authorization"] = "Bearer ${token}"`,
  ].join('\n'))
  const wrk = (seconds: string) => spawnSync('wrk', ['-t', '1', '-c', String(CONCURRENCY), '-d', `${seconds}s`, '-s', script, `http://127.0.0.1:${port}/v1/messages`], { encoding: 'utf8' })
  wrk('2') // warm up: JIT, the first commits
  mark()
  const run = wrk(process.env.WRK_SECONDS ?? '10')
  if (run.error !== undefined || run.status !== 0) throw new Error(`wrk failed: ${run.error?.message ?? run.stderr}`)
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout)
  // wrk counts every answer outside 2xx and 3xx; the API answers 202 or an error
  const refused = /Non-2xx or 3xx responses: (\d+)/.exec(run.stdout)
  if (rate === null) throw new Error(`wrk printed no rate: ${run.stdout}`)
  if (refused !== null) throw new Error(`wrk: ${refused[1]} answers were not 2xx: ${run.stdout}`)
  return Number(rate[1])
}

/** Stops the server; its CPU per message queued since the mark, µs per thread name. */
function stop(child: ChildProcess): Promise<Record<string, number> | undefined> {
  return new Promise((resolve) => {
    let cpu: Record<string, number> | undefined
    child.on('message', (message) => { cpu = (message as { cpuUsPerMessage?: Record<string, number> }).cpuUsPerMessage ?? cpu })
    child.once('exit', () => resolve(cpu))
    child.send('stop')
  })
}

/**
 * CPU seconds (user + system) of this process's threads by name, from /proc (Linux): the main
 * thread, todoku-store, todoku-lint, libuv's pool, V8's helpers. An empty map elsewhere.
 */
function threadCpuSeconds(): Map<string, number> {
  const seconds = new Map<string, number>()
  let tasks: string[]
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return seconds
  }
  for (const task of tasks) {
    let stat: string
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, 'latin1')
    } catch {
      continue // the thread ended meanwhile
    }
    const nameEnd = stat.lastIndexOf(')')
    const rawName = stat.slice(stat.indexOf('(') + 1, nameEnd)
    const name = task === String(process.pid) ? 'main' : /^(todoku-|libuv-worker)/.test(rawName) ? rawName : 'other'
    // fields after the name: state is field 3, utime 14, stime 15 (clock ticks, 100 a second)
    const fields = stat.slice(nameEnd + 2).split(' ')
    seconds.set(name, (seconds.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100)
  }
  return seconds
}
