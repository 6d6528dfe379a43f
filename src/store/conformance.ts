import { describe } from 'node:test'
import { describeMessageStore } from './conformance/message-store-cases.ts'
import { describeQueueStore } from './conformance/queue-store-cases.ts'
import { describeRecordStores } from './conformance/record-store-cases.ts'
import { describeReportStore } from './conformance/report-store-cases.ts'
import { describeRetentionStore } from './conformance/retention-store-cases.ts'
import type { OpenStore } from './conformance/open-store.ts'

export type { OpenStore } from './conformance/open-store.ts'

/**
 * The store's conformance suite: registers node:test tests that every implementation must
 * pass (idempotency, one-transaction inserts, claim exclusivity, leases, outcomes, events,
 * domains, API keys, retention). `open` gives a fresh, empty store for each test; pass `skip` with the
 * reason when the implementation can't run here (no PostgreSQL at TODOKU_TEST_PG_URL).
 */
export function runStoreConformance(name: string, open: OpenStore, options: { skip?: string } = {}): void {
  describe(`store conformance: ${name}`, { skip: options.skip }, () => {
    describeMessageStore(open)
    describeQueueStore(open)
    describeRecordStores(open)
    describeReportStore(open)
    describeRetentionStore(open)
  })
}
