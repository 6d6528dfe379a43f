/**
 * Where one recipient of one message stands in the queue.
 */
export type RecipientState =
  /** accepted, never tried; due at `nextAttemptAtMs` */
  | 'queued'
  /** claimed by a delivery process until its lease expires */
  | 'leased'
  /** the receiving server accepted it (2xx) */
  | 'delivered'
  /** tried, failed temporarily; due again at `nextAttemptAtMs` */
  | 'deferred'
  /** failed for good (5xx, null MX, policy) */
  | 'failed'
  /** kept failing temporarily until its maximum age */
  | 'expired'

export const RECIPIENT_STATES: readonly RecipientState[] = ['queued', 'leased', 'delivered', 'deferred', 'failed', 'expired']

const STATE_SET: ReadonlySet<string> = new Set(RECIPIENT_STATES)

export const RecipientState = {
  is(value: unknown): value is RecipientState {
    return typeof value === 'string' && STATE_SET.has(value)
  },
  /** delivered, failed and expired recipients never change again */
  isFinal(state: RecipientState): boolean {
    return state === 'delivered' || state === 'failed' || state === 'expired'
  },
}
