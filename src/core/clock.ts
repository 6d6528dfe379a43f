/**
 * Time, as a port: core code never calls Date.now(). `main.ts` hands in the system clock;
 * tests hand in a manual one, so a 5-day retry schedule or a 30-day warm-up runs in milliseconds.
 */
export interface Clock {
  /** milliseconds since the Unix epoch */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to. */
export interface ManualClock extends Clock {
  advance(ms: number): void
  set(epochMs: number): void
}

export function createManualClock(startEpochMs: number): ManualClock {
  let current = startEpochMs
  return {
    now: () => current,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advancing a manual clock: expected a non-negative number of ms, got ${ms}`)
      current += ms
    },
    set(epochMs) {
      current = epochMs
    },
  }
}
