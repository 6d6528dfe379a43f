// `npm run bench:store`: how fast the SQLite store takes mail durably, and turns it over.
//
//   1. inserts: CALLERS concurrent callers (as many HTTP requests at once) each insert 10 KB
//      messages with one recipient until INSERTS are stored; group commit shares transactions
//      between them, every commit fsync'd (synchronous=FULL). Prints durable inserts/s, and
//      how many inserts one commit carried on average.
//   2. claim + complete: claim CLAIM_LIMIT due recipients at a time and record each one
//      delivered (with an attempt and an event) in one batch, until the queue is empty.
//      Prints recipients/s.
// Runs against a data folder under the system temp dir (on the disk tmpdir() is on),
// deleted afterwards. STORE_THREAD=main puts the connection on the main thread (default: its
// worker thread). The last line is the summary, exactly:
//   store-inserts-per-s I claim-complete-per-s C
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventLoopUtilization } from 'node:perf_hooks'
import { systemClock, systemRandom } from '../src/core/index.ts'
import { openSqliteStore } from '../src/store/index.ts'

const INSERTS = 20_000
const CALLERS = 64
const MESSAGE_BYTES = 10 * 1024
const CLAIM_LIMIT = 256
const LEASE_MS = 60_000

const root = mkdtempSync(join(tmpdir(), 'todoku-bench-store-'))
try {
  const thread = process.env.STORE_THREAD === 'main' ? 'main' : 'worker'
  const store = await openSqliteStore({ path: root, clock: systemClock, random: systemRandom, thread })
  console.log(`store connection on the ${thread} thread`)
  const content = new Uint8Array(MESSAGE_BYTES).fill(0x61)
  let next = 0
  let commits = 0
  // Count commits by watching settled promises per event-loop turn: a turn that settles k
  // inserts was one group commit of k.
  let settledThisTurn = 0
  const countTurn = (): void => {
    if (settledThisTurn > 0) commits++
    settledThisTurn = 0
  }
  const started = performance.now()
  const insertCpu = process.cpuUsage()
  const insertLoop = performance.eventLoopUtilization()
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < INSERTS) {
        const n = next++
        await store.insertMessage({
          tenantId: 'bench', mailFrom: 'news@bench.test', sendingDomain: 'bench.test',
          recipients: [{ address: `user${n}@example.test` }], content,
        })
        if (settledThisTurn++ === 0) setImmediate(countTurn)
      }
    }),
  )
  const insertSeconds = (performance.now() - started) / 1_000
  const insertsPerSecond = INSERTS / insertSeconds
  console.log(`inserts: ${INSERTS} × ${MESSAGE_BYTES / 1024} KB, ${CALLERS} callers: ${insertSeconds.toFixed(2)} s, ${Math.round(insertsPerSecond)} durable inserts/s, ~${(INSERTS / Math.max(commits, 1)).toFixed(1)} inserts per commit, ${describeCpu(insertCpu, INSERTS)}, ${describeLoop(insertLoop, INSERTS)}`)

  const claimStarted = performance.now()
  const claimCpu = process.cpuUsage()
  const claimLoop = performance.eventLoopUtilization()
  let completed = 0
  for (;;) {
    const nowMs = Date.now()
    const groups = await store.claimDue(nowMs, { limit: CLAIM_LIMIT, leaseMs: LEASE_MS, owner: 'bench' })
    if (groups.length === 0) break
    const outcomes = groups.flatMap((group) =>
      group.recipients.map((recipient) => ({
        recipientId: recipient.id, kind: 'delivered' as const,
        attempt: { atMs: nowMs, mxHost: 'mx.example.test', egressIp: '127.0.0.2', replyCode: '250', enhancedStatus: '2.0.0', replyText: 'OK queued as 1234' },
      })),
    )
    await store.recordOutcomes('bench', outcomes)
    completed += outcomes.length
  }
  const claimSeconds = (performance.now() - claimStarted) / 1_000
  const claimsPerSecond = completed / claimSeconds
  console.log(`claim + complete: ${completed} recipients in batches of ${CLAIM_LIMIT}: ${claimSeconds.toFixed(2)} s, ${Math.round(claimsPerSecond)} recipients/s, ${describeCpu(claimCpu, completed)}, ${describeLoop(claimLoop, completed)}`)
  await store.close()
  console.log(`store-inserts-per-s ${Math.round(insertsPerSecond)} claim-complete-per-s ${Math.round(claimsPerSecond)}`)
} finally {
  rmSync(root, { recursive: true, force: true })
}

/** CPU time (user + system, this process) per item since `start`: what a busy machine disturbs less than wall time. */
function describeCpu(start: NodeJS.CpuUsage, items: number): string {
  const used = process.cpuUsage(start)
  return `${((used.user + used.system) / items).toFixed(0)} µs CPU each`
}

/**
 * How long the main thread's event loop was busy per item since `start` (fsync waits
 * included when the connection is on the main thread): what the store leaves to HTTP and SMTP.
 */
function describeLoop(start: EventLoopUtilization, items: number): string {
  const loop = performance.eventLoopUtilization(start)
  return `main thread busy ${((loop.active * 1_000) / items).toFixed(0)} µs each`
}
