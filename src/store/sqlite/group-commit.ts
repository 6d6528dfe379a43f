import type { DatabaseSync } from 'node:sqlite'

/**
 * Group commit: writes submitted in the same turn of the event loop (many HTTP requests
 * arriving together) share one transaction, so one fsync serves them all. Each write runs
 * under its own savepoint: one that fails is rolled back alone and rejects alone, the others
 * commit. Every promise settles after the commit (or its failure).
 */
export interface GroupCommitter<I, O> {
  submit(input: I): Promise<O>
  /** commit what is pending now */
  flush(): void
  readonly pendingCount: number
}

export interface GroupCommitOptions {
  /** commit at once when this many writes are pending */
  readonly maxWrites: number
  /** or when their inputs weigh this many bytes (bounds the transaction and the memory held) */
  readonly maxBytes: number
}

interface Pending<I, O> {
  readonly input: I
  readonly resolve: (value: O) => void
  readonly reject: (error: unknown) => void
}

export function createGroupCommitter<I, O>(
  db: DatabaseSync,
  write: (input: I) => O,
  weigh: (input: I) => number,
  options: GroupCommitOptions,
): GroupCommitter<I, O> {
  let pending: Pending<I, O>[] = []
  let pendingBytes = 0
  let isScheduled = false
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const savepoint = db.prepare('SAVEPOINT one_write')
  const release = db.prepare('RELEASE one_write')
  const rollbackTo = db.prepare('ROLLBACK TO one_write')

  function flush(): void {
    isScheduled = false
    if (pending.length === 0) return
    const batch = pending
    pending = []
    pendingBytes = 0
    const outcomes: ({ ok: true; value: O } | { ok: false; error: unknown })[] = []
    try {
      begin.run()
      for (const item of batch) {
        savepoint.run()
        try {
          const value = write(item.input)
          release.run()
          outcomes.push({ ok: true, value })
        } catch (error) {
          rollbackTo.run()
          release.run()
          outcomes.push({ ok: false, error })
        }
      }
      commit.run()
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      for (const item of batch) item.reject(error)
      return
    }
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]
      if (outcome.ok) batch[i].resolve(outcome.value)
      else batch[i].reject(outcome.error)
    }
  }

  return {
    submit(input) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ input, resolve, reject })
        pendingBytes += weigh(input)
        if (pending.length >= options.maxWrites || pendingBytes >= options.maxBytes) flush()
        else if (!isScheduled) {
          isScheduled = true
          setImmediate(flush)
        }
      })
    },
    flush,
    get pendingCount() {
      return pending.length
    },
  }
}
