/**
 * Randomness, as a port: core code never calls Math.random(), so jitter and tie-breaks can
 * be pinned in tests (BullMQ's backoff jitter and Haraka's queue-file names can't be).
 */
export interface Random {
  /** a float in [0, 1) */
  next(): number
}

export const systemRandom: Random = { next: () => Math.random() }

/** A deterministic generator (mulberry32) for tests and simulations. */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    },
  }
}
