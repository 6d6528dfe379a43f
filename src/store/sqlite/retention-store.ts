import { TodokuError } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { RetentionStore } from '../retention-store.ts'
import { describeWriteError, inTransaction, type SqliteContext } from './connection.ts'

/**
 * Each kind is read oldest first through its own index (schema version 4: messages_finished,
 * events_at, messages_idempotency_age), `limit + 1` rows at a time: the extra row says whether
 * more remains without a second query. Contents, recipients and attempts go with their
 * message through the schema's ON DELETE CASCADE.
 */
export function createSqliteRetentionStore(context: SqliteContext): RetentionStore {
  const { db } = context
  const selectFinished = db.prepare('SELECT id FROM messages WHERE finished_at < ? ORDER BY finished_at LIMIT ?')
  // finished_at says the message is done; the recipients are asked again, so that a count gone
  // wrong can leave a message behind but never delete one that still has mail to send.
  const deleteFinished = db.prepare(
    `DELETE FROM messages WHERE id = ? AND open_recipients = 0
       AND NOT EXISTS (SELECT 1 FROM recipients WHERE message_id = ? AND state IN ('queued', 'leased', 'deferred'))`,
  )
  const selectOldEvents = db.prepare('SELECT seq FROM events WHERE at < ? ORDER BY at LIMIT ?')
  const deleteEvent = db.prepare('DELETE FROM events WHERE seq = ?')
  const selectOldKeys = db.prepare('SELECT id FROM messages WHERE idempotency_key IS NOT NULL AND created_at < ? ORDER BY created_at LIMIT ?')
  const forgetKey = db.prepare('UPDATE messages SET idempotency_key = NULL WHERE id = ?')

  return {
    async prune({ finishedBeforeMs, eventsBeforeMs, idempotencyKeysBeforeMs, limit }) {
      const doing = `pruning (finished before ${finishedBeforeMs ?? 'never'}, events before ${eventsBeforeMs ?? 'never'}, idempotency keys before ${idempotencyKeysBeforeMs ?? 'never'}, limit ${limit})`
      context.assertOpen(doing)
      if (!(Number.isSafeInteger(limit) && limit >= 1)) {
        throw new TodokuError(STORE_ERRORS.INVALID_INPUT, `${doing}: expected a limit that is an integer ≥ 1`)
      }
      let hasMore = false
      /** the first `limit` rows `select` finds before `cutoff`, each given to `remove`; how many it removed */
      const removeOldest = (cutoff: number | undefined, select: typeof selectFinished, key: string, remove: (id: string | number) => number): number => {
        if (cutoff === undefined) return 0
        const rows = select.all(cutoff, limit + 1) as Record<string, string | number>[]
        if (rows.length > limit) hasMore = true
        let removed = 0
        for (let i = 0; i < rows.length && i < limit; i++) removed += remove(rows[i][key])
        return removed
      }
      try {
        return inTransaction(db, () => {
          const messages = removeOldest(finishedBeforeMs, selectFinished, 'id', (id) => Number(deleteFinished.run(id, id).changes))
          const events = removeOldest(eventsBeforeMs, selectOldEvents, 'seq', (seq) => Number(deleteEvent.run(seq).changes))
          const idempotencyKeys = removeOldest(idempotencyKeysBeforeMs, selectOldKeys, 'id', (id) => Number(forgetKey.run(id).changes))
          return { messages, events, idempotencyKeys, hasMore }
        })
      } catch (error) {
        throw describeWriteError(doing, error)
      }
    },
  }
}
