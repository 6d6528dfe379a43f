/**
 * store/: the durable state behind one port (messages, the recipient queue, attempts,
 * events, sending domains, API keys, retention), split in parts; `openSqliteStore` is the embedded
 * implementation, and `runStoreConformance` (./conformance.ts) the suite every one passes.
 */
export type { Store } from './store.ts'
export {
  MAX_ADDRESS_LENGTH,
  type MessageStore, type NewMessage, type NewRecipient, type InsertedMessage, type MessageView, type RecipientView,
  type Attempt, type AttemptDetails, type LastReply,
} from './message-store.ts'
export {
  type QueueStore, type ClaimOptions, type ClaimedGroup, type ClaimedRecipient, type RecipientOutcome,
  type RecordOutcomesResult, type QueueCounts,
} from './queue-store.ts'
export {
  EventType, EVENT_TYPES, MAX_EVENTS_PER_PAGE,
  type EventStore, type NewEvent, type StoredEvent, type EventQuery, type EventPage,
} from './event-store.ts'
export { DKIM_ALGORITHMS, type DomainStore, type DkimAlgorithm, type DkimKey, type NewSendingDomain, type SendingDomain, type RetiringDkimKey } from './domain-store.ts'
export {
  createApiKeyToken, hashApiKeyToken,
  type ApiKeyStore, type ApiKey, type NewApiKey, type CreatedApiKey,
} from './api-key-store.ts'
export {
  MAX_REPORT_ROWS_PER_QUERY,
  type ReportStore, type NewDmarcReport, type DmarcPolicyPublished, type DmarcRecord, type SavedReport, type DmarcReportSummary,
  type StoredDmarcRecord, type ReportQuery, type NewTlsReport, type TlsPolicyResult, type StoredTlsPolicyResult,
} from './report-store.ts'
export { type RetentionStore, type PruneRequest, type PruneResult } from './retention-store.ts'
export {
  PRUNE_BATCH_LIMIT, pruneCutoffsOf, startRetentionPruner,
  type RetentionPolicy, type RetentionPruner, type RetentionPrunerDeps, type PruneRound,
} from './retention-pruner.ts'
export { RecipientState, RECIPIENT_STATES } from './recipient-state.ts'
export { STORE_ERRORS } from './errors.ts'
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/open-sqlite-store.ts'
