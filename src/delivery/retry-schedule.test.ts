import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createSeededRandom, type Random } from '../core/index.ts'
import { DEFAULT_RETRY_CONFIG, planRetry, type RetryConfig, type RetryVerdict } from './retry-schedule.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const noJitter: RetryConfig = { ...DEFAULT_RETRY_CONFIG, jitterRatio: 0 }
const middle: Random = { next: () => 0.5 }
const plain: RetryVerdict = { reason: 'systemerror', action: 'retry_later' }

function delayOf(attemptCount: number, verdict: RetryVerdict, config: RetryConfig = noJitter): number {
  const plan = planRetry({ attemptCount, createdAtMs: 0, nowMs: 1000, verdict, random: middle, config })
  assert.equal(plan.kind, 'retry')
  return plan.kind === 'retry' ? plan.atMs - 1000 : NaN
}

test('doubles the delay with each attempt, up to the maximum', () => {
  const table: [number, number][] = [[1, 5 * MINUTE], [2, 10 * MINUTE], [3, 20 * MINUTE], [4, 40 * MINUTE], [5, 80 * MINUTE], [6, 160 * MINUTE], [7, 4 * HOUR], [30, 4 * HOUR]]
  for (const [attempts, expected] of table) assert.equal(delayOf(attempts, plain), expected, `attempt ${attempts}`)
})

test('adjusts the delay to the reason', () => {
  const table: [string, number, RetryVerdict, number][] = [
    ['greylisted, first retry', 1, { reason: 'greylisted', action: 'retry_later' }, 6 * MINUTE],
    ['greylisted again: the plain schedule', 3, { reason: 'greylisted', action: 'retry_later' }, 20 * MINUTE],
    ['rate limited: 4×, at least 15 min', 1, { reason: 'ratelimited', action: 'slow_down' }, 20 * MINUTE],
    ['slow_down from another reason', 2, { reason: 'blocked', action: 'slow_down' }, 40 * MINUTE],
    ['rate limited late: capped at the maximum', 6, { reason: 'ratelimited', action: 'slow_down' }, 4 * HOUR],
    ['reputation pause: at least an hour', 1, { reason: 'blocked', action: 'pause_and_reduce' }, HOUR],
    ['mailbox full: hours', 1, { reason: 'mailboxfull', action: 'retry_then_suppress' }, 3 * HOUR],
  ]
  for (const [name, attempts, verdict, expected] of table) assert.equal(delayOf(attempts, verdict), expected, name)
})

test('spreads delays by the jitter ratio, pinned by a seeded random', () => {
  const random = createSeededRandom(42)
  const delays = Array.from({ length: 200 }, () => {
    const plan = planRetry({ attemptCount: 1, createdAtMs: 0, nowMs: 0, verdict: plain, random, config: DEFAULT_RETRY_CONFIG })
    return plan.kind === 'retry' ? plan.atMs : NaN
  })
  for (const delay of delays) assert.ok(delay >= 4 * MINUTE && delay <= 6 * MINUTE, `delay ${delay}`)
  assert.ok(new Set(delays).size > 150, 'delays differ')
  const again = createSeededRandom(42)
  const first = planRetry({ attemptCount: 1, createdAtMs: 0, nowMs: 0, verdict: plain, random: again, config: DEFAULT_RETRY_CONFIG })
  assert.deepEqual(first, { kind: 'retry', atMs: delays[0] })
})

test('expires when the next attempt would come after the maximum age', () => {
  const createdAtMs = 0
  const maxAgeMs = DEFAULT_RETRY_CONFIG.maxAgeMs
  const justInside = planRetry({ attemptCount: 20, createdAtMs, nowMs: maxAgeMs - 4 * HOUR, verdict: plain, random: middle, config: noJitter })
  assert.deepEqual(justInside, { kind: 'retry', atMs: maxAgeMs })
  const past = planRetry({ attemptCount: 20, createdAtMs, nowMs: maxAgeMs - 4 * HOUR + 1, verdict: plain, random: middle, config: noJitter })
  assert.deepEqual(past, { kind: 'expire' })
})

test('refuses a config with a non-positive delay or a jitter ratio of 1 or more', () => {
  const bad = (config: RetryConfig) => () => planRetry({ attemptCount: 1, createdAtMs: 0, nowMs: 0, verdict: plain, random: middle, config })
  assert.throws(bad({ ...noJitter, baseDelayMs: 0 }), /baseDelayMs 0: expected a positive number of ms/)
  assert.throws(bad({ ...noJitter, jitterRatio: 1 }), /jitterRatio 1: expected a fraction in \[0, 1\)/)
})
