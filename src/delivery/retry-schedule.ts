// When to try a deferred recipient again, or whether to give up. Pure: time and randomness
// come in as values.
import { TodokuError, type Random } from '../core/index.ts'

/** How retries are spaced, and how long a message may stay in the queue. */
export interface RetryConfig {
  /** the delay after the first temporary failure; it doubles with each further attempt */
  readonly baseDelayMs: number
  /** no delay grows past this (Postfix's maximal_backoff_time is 4000 s; we allow longer gaps late in a message's life) */
  readonly maxDelayMs: number
  /** a message older than this when its next attempt would come is expired instead (Postfix's maximal_queue_lifetime: 5 days) */
  readonly maxAgeMs: number
  /** each delay is spread by ± this fraction, so recipients deferred together don't return together */
  readonly jitterRatio: number
}

export const DEFAULT_RETRY_CONFIG: RetryConfig = {
  baseDelayMs: 5 * 60_000,
  maxDelayMs: 4 * 3_600_000,
  maxAgeMs: 5 * 24 * 3_600_000,
  jitterRatio: 0.2,
}

/** The parts of the reply classifier's verdict the schedule looks at. */
export interface RetryVerdict {
  /** Sisimai's reason name ('greylisted', 'ratelimited', 'mailboxfull' …) */
  readonly reason: string
  /** the classifier's action ('retry_later', 'slow_down', 'pause_and_reduce' …) */
  readonly action: string
  /** permanent verdicts are failed by the caller, never retried; ignored here */
  readonly permanent?: boolean
}

export interface RetryRequest {
  /** attempts made so far, counting the one that just failed (≥ 1) */
  readonly attemptCount: number
  /** when the message was queued */
  readonly createdAtMs: number
  readonly nowMs: number
  readonly verdict: RetryVerdict
  readonly random: Random
  readonly config: RetryConfig
}

export type RetryPlan = { readonly kind: 'retry'; readonly atMs: number } | { readonly kind: 'expire' }

/**
 * Greylisting (postgrey, Postfix's postscreen) lets a retry through after 1–5 minutes
 * (postgrey's default --delay is 300 s), so the first retry of a greylisted recipient
 * comes after 6 minutes, not on the plain schedule.
 */
const GREYLIST_FIRST_RETRY_MS = 6 * 60_000
/**
 * Rate-limit replies ("421 4.7.28 … unusual rate of unsolicited mail", Yahoo's "421 4.7.0
 * [TSS04]") ask for less traffic: waiting at least 15 minutes and 4× the plain delay gives the
 * receiver's window time to reset.
 */
const SLOW_DOWN_MIN_DELAY_MS = 15 * 60_000
const SLOW_DOWN_FACTOR = 4
/** Reputation push-back (pause_and_reduce) pauses for hours, as the providers' guidance asks. */
const PAUSE_MIN_DELAY_MS = 60 * 60_000
/** A full mailbox empties over hours or days, not minutes ("552 5.2.2 Mailbox full"). */
const MAILBOX_FULL_MIN_DELAY_MS = 3 * 3_600_000

/**
 * Plans the next attempt after a temporary failure: the base delay doubled per attempt
 * (capped), adjusted for the reason, spread by jitter from `random`; or `expire` when that
 * attempt would come after the message's maximum age.
 */
export function planRetry(request: RetryRequest): RetryPlan {
  const { attemptCount, createdAtMs, nowMs, verdict, random, config } = request
  checkConfig(config)
  const exponent = Math.max(0, Math.floor(attemptCount) - 1)
  let delayMs = Math.min(config.baseDelayMs * 2 ** Math.min(exponent, 40), config.maxDelayMs)
  if (verdict.reason === 'greylisted' && attemptCount <= 1) {
    delayMs = GREYLIST_FIRST_RETRY_MS
  } else if (verdict.reason === 'mailboxfull') {
    delayMs = Math.max(delayMs, MAILBOX_FULL_MIN_DELAY_MS)
  } else if (verdict.action === 'pause_and_reduce') {
    delayMs = Math.max(delayMs, PAUSE_MIN_DELAY_MS)
  } else if (verdict.reason === 'ratelimited' || verdict.action === 'slow_down') {
    delayMs = Math.min(Math.max(delayMs * SLOW_DOWN_FACTOR, SLOW_DOWN_MIN_DELAY_MS), Math.max(config.maxDelayMs, SLOW_DOWN_MIN_DELAY_MS))
  }
  const jitter = 1 + config.jitterRatio * (2 * random.next() - 1)
  const atMs = nowMs + Math.round(delayMs * jitter)
  if (atMs > createdAtMs + config.maxAgeMs) return { kind: 'expire' }
  return { kind: 'retry', atMs }
}

function checkConfig(config: RetryConfig): void {
  const problems: string[] = []
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxAgeMs'] as const) {
    if (!(config[key] > 0 && Number.isFinite(config[key]))) problems.push(`${key} ${config[key]}: expected a positive number of ms`)
  }
  if (!(config.jitterRatio >= 0 && config.jitterRatio < 1)) problems.push(`jitterRatio ${config.jitterRatio}: expected a fraction in [0, 1)`)
  if (problems.length > 0) throw new TodokuError('CONFIG_INVALID', `planning a delivery retry: ${problems.join('; ')}`)
}
