// The store's parts but messages, over one connection: the same on the worker thread and on
// the calling thread (openSqliteStore's `thread: 'main'`), composed in one place.
import { createSqliteApiKeyStore } from './api-key-store.ts'
import type { SqliteContext } from './connection.ts'
import { createSqliteDomainStore } from './domain-store.ts'
import { createSqliteEventStore } from './event-store.ts'
import { createSqliteQueueStore } from './queue-store.ts'
import { createSqliteReportStore } from './report-store.ts'
import { createSqliteRetentionStore } from './retention-store.ts'

export function createSqliteStoreParts(context: SqliteContext) {
  return {
    ...createSqliteQueueStore(context),
    ...createSqliteEventStore(context),
    ...createSqliteDomainStore(context),
    ...createSqliteApiKeyStore(context),
    ...createSqliteReportStore(context),
    ...createSqliteRetentionStore(context),
  }
}
