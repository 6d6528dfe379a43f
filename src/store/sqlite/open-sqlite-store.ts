import { TodokuError, type Clock, type Random } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { Store } from '../store.ts'
import { createSqliteApiKeyStore } from './api-key-store.ts'
import { openDatabase, resolveDatabasePath, type SqliteContext } from './connection.ts'
import { createSqliteDomainStore } from './domain-store.ts'
import { createSqliteEventStore } from './event-store.ts'
import { createSqliteMessageStore } from './message-store.ts'
import { createSqliteQueueStore } from './queue-store.ts'
import { migrate } from './schema.ts'

export interface SqliteStoreOptions {
  /** a data folder (created if missing; the database is `todoku.db` in it), a `.db`/`.sqlite` file, or `:memory:` */
  readonly path: string
  readonly clock: Clock
  readonly random: Random
}

/**
 * The embedded store: one SQLite database, one connection, used from one process. Opening
 * migrates the schema. Recipients a crashed process had leased come back through
 * `releaseExpiredLeases` once their lease runs out.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const file = resolveDatabasePath(options.path)
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
    clock: options.clock,
    random: options.random,
    assertOpen(doing) {
      if (isClosed) throw new TodokuError(STORE_ERRORS.CLOSED, `${doing}: the store at ${file} is closed`)
    },
  }
  const { flushPendingInserts, ...messages } = createSqliteMessageStore(context)
  return {
    ...messages,
    ...createSqliteQueueStore(context),
    ...createSqliteEventStore(context),
    ...createSqliteDomainStore(context),
    ...createSqliteApiKeyStore(context),
    async close() {
      if (isClosed) return
      flushPendingInserts()
      isClosed = true
      db.close()
    },
  }
}
