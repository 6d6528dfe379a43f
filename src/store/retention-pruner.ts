// `todoku serve` prunes the store on a timer: finished messages, events and idempotency keys
// past their retention go, a bounded batch at a time, so the database stops growing once its
// oldest data is as old as the config keeps.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Clock } from '../core/index.ts'
import type { Log } from '../log/index.ts'
import type { PruneRequest, RetentionStore } from './retention-store.ts'

/**
 * Most rows of each kind per prune call. One call holds the store's write lock (and, in its
 * worker thread, the commit that API inserts wait for): 500 two-recipient 10 KB messages and
 * 500 events took ~50 ms on a busy 2-core machine; 200 keeps a call near 20 ms.
 */
export const PRUNE_BATCH_LIMIT = 200

/** How long each kind is kept, in ms; 0 keeps it forever. */
export interface RetentionPolicy {
  /** a message whose every recipient is final, counted from its last recipient's final outcome */
  readonly finishedMessagesMs: number
  readonly eventsMs: number
  /** counted from the message's insert */
  readonly idempotencyKeysMs: number
}

/** The cutoffs of a prune at `nowMs`: none for a kind kept forever. */
export function pruneCutoffsOf(policy: RetentionPolicy, nowMs: number): Omit<PruneRequest, 'limit'> {
  return {
    ...(policy.finishedMessagesMs > 0 && { finishedBeforeMs: nowMs - policy.finishedMessagesMs }),
    ...(policy.eventsMs > 0 && { eventsBeforeMs: nowMs - policy.eventsMs }),
    ...(policy.idempotencyKeysMs > 0 && { idempotencyKeysBeforeMs: nowMs - policy.idempotencyKeysMs }),
  }
}

export interface PruneRound {
  readonly messages: number
  readonly events: number
  readonly idempotencyKeys: number
  /** prune calls made */
  readonly batches: number
}

export interface RetentionPrunerDeps {
  readonly store: RetentionStore
  readonly clock: Clock
  readonly log: Log
  readonly policy: RetentionPolicy
  /** between the end of one round and the start of the next */
  readonly intervalMs: number
  /** default `PRUNE_BATCH_LIMIT` */
  readonly batchLimit?: number
}

export interface RetentionPruner {
  /** one round now (or the one running): batches until nothing past a cutoff remains */
  runOnce(): Promise<PruneRound>
  /** no more rounds or batches; resolves once the batch in flight, if any, is done */
  stop(): Promise<void>
}

/**
 * Starts pruning every `intervalMs`, the first round FIRST_ROUND_AFTER_MS after the start (or
 * one interval, when shorter), so a process restarted more often than the interval still prunes;
 * the timer doesn't keep the process alive. Each round takes its cutoffs from the clock once,
 * calls `prune` until it says nothing more remains, yielding to the event loop between calls,
 * and logs `store.pruned` with its counts, or `store.prune_failed` (the next round tries again).
 */
/** The first round waits this long after the start: not in the start-up's busiest minute. */
const FIRST_ROUND_AFTER_MS = 60_000

export function startRetentionPruner(deps: RetentionPrunerDeps): RetentionPruner {
  const limit = deps.batchLimit ?? PRUNE_BATCH_LIMIT
  const isKeptForever = Object.keys(pruneCutoffsOf(deps.policy, 0)).length === 0
  let timer: NodeJS.Timeout | undefined
  let isStopped = false
  let round: Promise<PruneRound> | undefined

  const runRound = async (): Promise<PruneRound> => {
    const startedAtMs = deps.clock.now()
    const cutoffs = pruneCutoffsOf(deps.policy, startedAtMs)
    const done = { messages: 0, events: 0, idempotencyKeys: 0, batches: 0 }
    if (isKeptForever) return done
    try {
      for (let hasMore = true; hasMore && !isStopped;) {
        const result = await deps.store.prune({ ...cutoffs, limit })
        done.batches++
        done.messages += result.messages
        done.events += result.events
        done.idempotencyKeys += result.idempotencyKeys
        // a batch that removed nothing can't make the next one remove more
        hasMore = result.hasMore && result.messages + result.events + result.idempotencyKeys > 0
        if (hasMore) await nextTurn()
      }
    } catch (error) {
      deps.log('error', 'store.prune_failed', { ...done, ...cutoffs, error })
      return done
    }
    deps.log('info', 'store.pruned', { ...done, ...cutoffs, durationMs: deps.clock.now() - startedAtMs })
    return done
  }

  const runOnce = (): Promise<PruneRound> => {
    round ??= runRound().finally(() => {
      round = undefined
    })
    return round
  }

  const schedule = (afterMs: number) => {
    if (isStopped || isKeptForever) return
    timer = setTimeout(() => {
      void runOnce().finally(() => schedule(deps.intervalMs))
    }, afterMs)
    timer.unref()
  }

  schedule(Math.min(FIRST_ROUND_AFTER_MS, deps.intervalMs))
  return {
    runOnce,
    async stop() {
      isStopped = true
      if (timer !== undefined) clearTimeout(timer)
      await round
    },
  }
}
