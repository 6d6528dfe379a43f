import { TodokuError, createId, type Clock, type Random } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { Store } from '../store.ts'
import { openDatabase, resolveDatabasePath, type SqliteContext } from './connection.ts'
import { createSqliteMessageStore } from './message-store.ts'
import { migrate } from './schema.ts'
import { createSqliteStoreParts } from './store-parts.ts'
import { openWorkerStore } from './worker-store.ts'

export interface SqliteStoreOptions {
  /** a data folder (created if missing; the database is `todoku.db` in it), a `.db`/`.sqlite` file, or `:memory:` */
  readonly path: string
  readonly clock: Clock
  readonly random: Random
  /**
   * Where the connection lives. `worker` (default for a file): in a worker thread, so commits
   * (fsync, 3–50 ms) and queries never block this thread's event loop. `main` (default for
   * `:memory:`, which has no fsync to wait for, and whose tests would each pay a thread's
   * start, ~50–200 ms): on this thread, each commit blocking it.
   */
  readonly thread?: 'worker' | 'main'
}

/**
 * The embedded store: one SQLite database, one connection, used from one process. Opening
 * migrates the schema. Recipients a crashed process had leased come back through
 * `releaseExpiredLeases` once their lease runs out.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const file = resolveDatabasePath(options.path)
  if ((options.thread ?? (file === ':memory:' ? 'main' : 'worker')) === 'worker') return openWorkerStore(file, options.clock, options.random)
  return openMainThreadStore(file, options.clock, options.random)
}

function openMainThreadStore(file: string, clock: Clock, random: Random): Store {
  const db = openDatabase(file)
  try {
    migrate(db, file)
  } catch (error) {
    db.close()
    if (error instanceof TodokuError) throw error
    throw new TodokuError(STORE_ERRORS.UNAVAILABLE, `migrating the SQLite store at ${file}: ${(error as Error).message}`, { cause: error })
  }
  let isClosed = false
  const context: SqliteContext = {
    db,
    now: () => clock.now(),
    newId: () => createId(clock, random),
    assertOpen(doing) {
      if (isClosed) throw new TodokuError(STORE_ERRORS.CLOSED, `${doing}: the store at ${file} is closed`)
    },
  }
  const { flushPendingInserts, writeMessageNow: _inWorkerOnly, ...messages } = createSqliteMessageStore(context)
  return {
    ...messages,
    ...createSqliteStoreParts(context),
    async close() {
      if (isClosed) return
      flushPendingInserts()
      isClosed = true
      db.close()
    },
  }
}
