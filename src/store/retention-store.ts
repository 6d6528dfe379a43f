/**
 * What one prune call removes. Cutoffs are epoch ms the caller works out from its clock; a
 * kind without a cutoff is kept. Each kind past its cutoff goes oldest first.
 */
export interface PruneRequest {
  /**
   * Messages whose every recipient is final (delivered, failed, expired) and whose last
   * recipient became final before this go, with their content, recipients and attempts. A
   * message with a queued, leased or deferred recipient stays, however old.
   */
  readonly finishedBeforeMs?: number
  /** events whose `atMs` is before this go (a pruned message's events go by this cutoff alone) */
  readonly eventsBeforeMs?: number
  /**
   * Idempotency keys of messages created before this are forgotten; the messages stay. A
   * later insert with a forgotten key queues a new message.
   */
  readonly idempotencyKeysBeforeMs?: number
  /**
   * Most messages, events and keys (each) one call removes: it bounds how long one call holds
   * the write lock. Call again while `hasMore`.
   */
  readonly limit: number
}

export interface PruneResult {
  /** messages deleted, each with its content, recipients and attempts */
  readonly messages: number
  readonly events: number
  /** idempotency keys forgotten */
  readonly idempotencyKeys: number
  /** some kind had more past its cutoff than `limit`: another call has work */
  readonly hasMore: boolean
}

/** Retention: old finished messages, events and idempotency keys go, a bounded batch per call. */
export interface RetentionStore {
  /** One batch, in one transaction. Plain deletes by cutoff: as safe to run from several nodes at once as from one. */
  prune(request: PruneRequest): Promise<PruneResult>
}
