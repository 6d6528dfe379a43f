/**
 * What happened to a message or a recipient, in order. The queue writes `queued` (insert)
 * and one of `delivered | deferred | failed | expired` per recorded outcome; the feedback
 * capabilities append the rest. `check_changed` is about a sending domain, not a message:
 * the domain monitor writes it under the domain's tenant.
 */
export type EventType =
  /** a recipient was accepted into the queue */
  | 'queued'
  | 'delivered'
  | 'deferred'
  | 'failed'
  | 'expired'
  /** an asynchronous bounce (DSN) came back for a recipient */
  | 'bounced'
  /** a feedback-loop complaint (ARF) */
  | 'complained'
  /** List-Unsubscribe / RFC 8058 one-click */
  | 'unsubscribed'
  /** a sending domain's check changed status; data { domain, checkId, from, to, summary } */
  | 'check_changed'

export const EVENT_TYPES: readonly EventType[] = ['queued', 'delivered', 'deferred', 'failed', 'expired', 'bounced', 'complained', 'unsubscribed', 'check_changed']

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES)

export const EventType = {
  is(value: unknown): value is EventType {
    return typeof value === 'string' && EVENT_TYPE_SET.has(value)
  },
}

export interface NewEvent {
  readonly type: EventType
  readonly atMs: number
  readonly tenantId: string
  readonly messageId?: string
  readonly recipientId?: string
  /** JSON-serialisable details (reply, verdict, rule…) */
  readonly data?: Readonly<Record<string, unknown>>
}

export interface StoredEvent extends NewEvent {
  readonly id: string
  /** position in the store's event order; pass it back as `afterCursor` */
  readonly cursor: string
  readonly data: Readonly<Record<string, unknown>>
}

export interface EventQuery {
  readonly tenantId?: string
  readonly messageId?: string
  readonly recipientId?: string
  /** events at or after this time */
  readonly sinceMs?: number
  /** an opaque cursor from an earlier page: only later events */
  readonly afterCursor?: string
  /** at most this many (default and cap `MAX_EVENTS_PER_PAGE`) */
  readonly limit?: number
}

export interface EventPage {
  /** oldest first */
  readonly events: readonly StoredEvent[]
  /** the cursor to ask with next; the one given when no event is newer */
  readonly nextCursor: string | undefined
}

/** A page is a bounded read, whoever asks for more: a query can't pull the whole log into memory. */
export const MAX_EVENTS_PER_PAGE = 1_000

export interface EventStore {
  appendEvents(events: readonly NewEvent[]): Promise<void>
  listEvents(query: EventQuery): Promise<EventPage>
}
