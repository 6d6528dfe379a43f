import type { AttemptDetails } from './message-store.ts'
import type { RecipientState } from './recipient-state.ts'

export interface ClaimOptions {
  /** most recipients to claim */
  readonly limit: number
  /** how long the claim holds; past it, `releaseExpiredLeases` returns the recipients to the queue */
  readonly leaseMs: number
  /** who claims (process/node id); outcomes and releases must name the same owner */
  readonly owner: string
}

/**
 * Recipients of one message at one domain, claimed together: they can go in one SMTP
 * transaction. A message's content is shared (the same bytes object) by its groups.
 */
export interface ClaimedGroup {
  readonly messageId: string
  readonly domain: string
  readonly tenantId: string
  readonly mailFrom: string
  readonly sendingDomain: string
  readonly pool?: string
  readonly tags: readonly string[]
  readonly metadata: Readonly<Record<string, string>>
  readonly createdAtMs: number
  readonly content: Uint8Array
  readonly leaseExpiresAtMs: number
  readonly recipients: readonly ClaimedRecipient[]
}

export interface ClaimedRecipient {
  readonly id: string
  readonly address: string
  /** attempts before this one */
  readonly attemptCount: number
}

/** What became of one claimed recipient. */
export type RecipientOutcome =
  | { readonly recipientId: string; readonly kind: 'delivered'; readonly attempt: AttemptDetails }
  | { readonly recipientId: string; readonly kind: 'deferred'; readonly nextAttemptAtMs: number; readonly attempt: AttemptDetails }
  | { readonly recipientId: string; readonly kind: 'failed'; readonly attempt: AttemptDetails }
  /** `attempt` absent when the recipient expired without being tried again */
  | { readonly recipientId: string; readonly kind: 'expired'; readonly attempt?: AttemptDetails }

export interface RecordOutcomesResult {
  /** outcomes that changed their recipient's state */
  readonly applied: number
  /**
   * Recipients left as they were: unknown, already final, or leased by another owner (our
   * lease expired and someone else claimed them). Their attempts are still recorded.
   */
  readonly staleRecipientIds: readonly string[]
}

export type QueueCounts = Readonly<Record<RecipientState, number>>

/** The queue: claims with leases, outcomes, crash recovery. */
export interface QueueStore {
  /**
   * Lease up to `limit` queued or deferred recipients due at `nowMs` (earliest first), grouped
   * by message and domain. Atomic: two claimers never get the same recipient.
   */
  claimDue(nowMs: number, options: ClaimOptions): Promise<ClaimedGroup[]>
  /**
   * Apply outcomes, record their attempts and an event each, in one transaction for the
   * batch. An outcome applies to a recipient leased by `owner`, or back in the queue after
   * its lease expired; never to a final one.
   */
  recordOutcomes(owner: string, outcomes: readonly RecipientOutcome[]): Promise<RecordOutcomesResult>
  /** give leased recipients back untried (shaping said "not now", shutdown), due at `nextAttemptAtMs`; returns how many */
  releaseLeases(owner: string, recipientIds: readonly string[], nextAttemptAtMs: number): Promise<number>
  /** crash recovery: recipients whose lease ran out by `nowMs` return to the queue, due now; returns how many */
  releaseExpiredLeases(nowMs: number): Promise<number>
  countRecipientsByState(): Promise<QueueCounts>
  /** the earliest `nextAttemptAtMs` of a queued or deferred recipient, for the scheduler's sleep */
  nextDueAtMs(): Promise<number | undefined>
}
