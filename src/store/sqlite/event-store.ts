import { TodokuError } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import { MAX_EVENTS_PER_PAGE, type EventPage, type EventQuery, type EventStore, type EventType, type NewEvent, type StoredEvent } from '../event-store.ts'
import { createStatementCache, describeWriteError, inTransaction, type SqliteContext } from './connection.ts'

/** Appends one event inside the caller's transaction (insert and outcomes write theirs with their state change). */
export type EventWriter = (event: NewEvent) => void

export function createEventWriter(context: SqliteContext): EventWriter {
  const insert = context.db.prepare(
    'INSERT INTO events (id, type, at, tenant_id, message_id, recipient_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  return (event) => {
    insert.run(
      context.newId(),
      event.type,
      event.atMs,
      event.tenantId,
      event.messageId ?? null,
      event.recipientId ?? null,
      JSON.stringify(event.data ?? {}),
    )
  }
}

interface EventRow {
  seq: number
  id: string
  type: EventType
  at: number
  tenant_id: string
  message_id: string | null
  recipient_id: string | null
  data: string
}

export function createSqliteEventStore(context: SqliteContext): EventStore {
  const { db } = context
  const writeEvent = createEventWriter(context)
  const statement = createStatementCache(db)

  return {
    async appendEvents(events) {
      context.assertOpen('appending events')
      try {
        inTransaction(db, () => {
          for (const event of events) writeEvent(event)
        })
      } catch (error) {
        throw describeWriteError(`appending ${events.length} event(s)`, error)
      }
    },

    async listEvents(query: EventQuery): Promise<EventPage> {
      context.assertOpen('listing events')
      const conditions: string[] = []
      const values: (string | number)[] = []
      if (query.tenantId !== undefined) conditions.push('tenant_id = ?'), values.push(query.tenantId)
      if (query.messageId !== undefined) conditions.push('message_id = ?'), values.push(query.messageId)
      if (query.recipientId !== undefined) conditions.push('recipient_id = ?'), values.push(query.recipientId)
      if (query.sinceMs !== undefined) conditions.push('at >= ?'), values.push(query.sinceMs)
      if (query.afterCursor !== undefined) conditions.push('seq > ?'), values.push(parseCursor(query.afterCursor))
      const limit = Math.min(Math.max(1, Math.floor(query.limit ?? MAX_EVENTS_PER_PAGE)), MAX_EVENTS_PER_PAGE)
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      const rows = statement(`SELECT * FROM events ${where} ORDER BY seq LIMIT ?`).all(...values, limit) as unknown as EventRow[]
      const events = rows.map(toStoredEvent)
      return { events, nextCursor: events.length > 0 ? events[events.length - 1].cursor : query.afterCursor }
    },
  }
}

function parseCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) {
    throw new TodokuError(STORE_ERRORS.INVALID_INPUT, `listing events: cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this store gave out`)
  }
  return Number(cursor)
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    cursor: String(row.seq),
    type: row.type,
    atMs: row.at,
    tenantId: row.tenant_id,
    ...(row.message_id !== null && { messageId: row.message_id }),
    ...(row.recipient_id !== null && { recipientId: row.recipient_id }),
    data: JSON.parse(row.data) as Record<string, unknown>,
  }
}
