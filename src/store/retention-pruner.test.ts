import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createManualClock, systemRandom } from '../core/index.ts'
import { createMemoryLog } from '../log/index.ts'
import { openSqliteStore } from './index.ts'
import { pruneCutoffsOf, startRetentionPruner } from './retention-pruner.ts'
import type { PruneRequest, RetentionStore } from './retention-store.ts'

const DAY_MS = 86_400_000
const POLICY = { finishedMessagesMs: 30 * DAY_MS, eventsMs: 30 * DAY_MS, idempotencyKeysMs: DAY_MS }

test('works out each cutoff from the clock, and none for a kind kept forever (0)', () => {
  assert.deepEqual(pruneCutoffsOf(POLICY, 100 * DAY_MS), { finishedBeforeMs: 70 * DAY_MS, eventsBeforeMs: 70 * DAY_MS, idempotencyKeysBeforeMs: 99 * DAY_MS })
  assert.deepEqual(pruneCutoffsOf({ ...POLICY, eventsMs: 0 }, 100 * DAY_MS), { finishedBeforeMs: 70 * DAY_MS, idempotencyKeysBeforeMs: 99 * DAY_MS })
})

test('prunes batch by batch until nothing remains, and logs one line with the round’s counts', async (t) => {
  const clock = createManualClock(1_750_000_000_000)
  const store = await openSqliteStore({ path: ':memory:', clock, random: systemRandom })
  t.after(() => store.close())
  for (let i = 0; i < 7; i++) await store.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: `r${i}@y.test` }], content: new Uint8Array(3) })
  const groups = await store.claimDue(clock.now(), { limit: 100, leaseMs: 60_000, owner: 'n' })
  await store.recordOutcomes('n', groups.flatMap((g) => g.recipients).map((r) => ({ recipientId: r.id, kind: 'delivered' as const, attempt: { atMs: clock.now(), replyCode: '250' } })))
  clock.advance(31 * DAY_MS)
  const memory = createMemoryLog()
  const pruner = startRetentionPruner({ store, clock, log: memory.log, policy: POLICY, intervalMs: DAY_MS, batchLimit: 3 })
  t.after(() => pruner.stop())
  const round = await pruner.runOnce()
  assert.deepEqual(round, { messages: 7, events: 14, idempotencyKeys: 0, batches: 5 })
  assert.deepEqual(memory.entries.map((e) => [e.level, e.event, e.fields.messages, e.fields.events, e.fields.batches]), [['info', 'store.pruned', 7, 14, 5]])
  assert.deepEqual(await store.countRecipientsByState(), { queued: 0, leased: 0, delivered: 0, deferred: 0, failed: 0, expired: 0 })
})

test('logs a failed round as an error and carries on at the next one', async (t) => {
  let calls = 0
  const store: RetentionStore = {
    async prune(request: PruneRequest) {
      if (++calls === 1) throw new Error('database is locked')
      return { messages: request.limit, events: 0, idempotencyKeys: 0, hasMore: false }
    },
  }
  const memory = createMemoryLog()
  const pruner = startRetentionPruner({ store, clock: createManualClock(100 * DAY_MS), log: memory.log, policy: POLICY, intervalMs: DAY_MS })
  t.after(() => pruner.stop())
  assert.deepEqual(await pruner.runOnce(), { messages: 0, events: 0, idempotencyKeys: 0, batches: 0 })
  assert.equal((await pruner.runOnce()).messages, 200)
  assert.deepEqual(memory.entries.map((e) => [e.level, e.event]), [['error', 'store.prune_failed'], ['info', 'store.pruned']])
  assert.equal((memory.entries[0].fields.error as Error).message, 'database is locked')
})

test('stops between batches, after the one in flight', async (t) => {
  let stop: Promise<void> | undefined
  let calls = 0
  const pruner = startRetentionPruner({
    store: {
      async prune() {
        calls++
        stop ??= pruner.stop()
        return { messages: 1, events: 0, idempotencyKeys: 0, hasMore: calls < 5 }
      },
    },
    clock: createManualClock(100 * DAY_MS),
    log: createMemoryLog().log,
    policy: POLICY,
    intervalMs: DAY_MS,
  })
  t.after(() => pruner.stop())
  assert.equal((await pruner.runOnce()).batches, 1)
  await stop
  assert.equal(calls, 1)
})

test('never calls the store when every kind is kept forever', async () => {
  const pruner = startRetentionPruner({
    store: { prune: () => Promise.reject(new Error('called')) },
    clock: createManualClock(0),
    log: createMemoryLog().log,
    policy: { finishedMessagesMs: 0, eventsMs: 0, idempotencyKeysMs: 0 },
    intervalMs: 1,
  })
  assert.deepEqual(await pruner.runOnce(), { messages: 0, events: 0, idempotencyKeys: 0, batches: 0 })
  await pruner.stop()
})
