import type { ApiKeyStore } from './api-key-store.ts'
import type { DomainStore } from './domain-store.ts'
import type { EventStore } from './event-store.ts'
import type { MessageStore } from './message-store.ts'
import type { QueueStore } from './queue-store.ts'
import type { ReportStore } from './report-store.ts'
import type { RetentionStore } from './retention-store.ts'

/**
 * The durable state, as one object that has every part's methods (their names don't clash).
 * Each capability asks for the part it uses (`deps: { queue: QueueStore }`) and `main.ts`
 * hands the same store to all, so a part can later move to its own implementation.
 */
export type Store = MessageStore & QueueStore & EventStore & DomainStore & ApiKeyStore & ReportStore & RetentionStore & {
  /** finish pending commits, then close; later calls reject with STORE_CLOSED */
  close(): Promise<void>
}
