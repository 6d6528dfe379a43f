import type { Clock } from './clock.ts'
import type { Random } from './random.ts'

/**
 * Crockford's base32 (no I, L, O, U), as ULID uses: ids sort as strings in time order and
 * read aloud without ambiguity.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** 48 bits of milliseconds: enough until the year 10889. */
const TIME_CHARS = 10
/** 16 characters × 5 bits = 80 random bits: two ids made in the same millisecond collide once in ~10^12 pairs at 10^6 ids/ms. */
const RANDOM_CHARS = 16
const MAX_TIME_MS = 2 ** 48 - 1

/**
 * A time-sortable random id (the ULID layout: 10 characters of epoch milliseconds, then 16
 * random ones), 26 characters. Ids made in the same millisecond are not ordered among
 * themselves. Clock and Random are ports, so a test with a seeded random gets the same ids.
 */
export function createId(clock: Clock, random: Random): string {
  let timeMs = Math.floor(clock.now())
  if (!(timeMs >= 0 && timeMs <= MAX_TIME_MS)) {
    throw new RangeError(`creating an id: the clock read ${timeMs}, expected epoch ms in [0, 2^48)`)
  }
  let time = ''
  for (let i = 0; i < TIME_CHARS; i++) {
    time = ALPHABET[timeMs % 32] + time
    timeMs = Math.floor(timeMs / 32)
  }
  let rest = ''
  for (let i = 0; i < RANDOM_CHARS; i++) rest += ALPHABET[Math.floor(random.next() * 32) & 31]
  return time + rest
}

/** The epoch milliseconds an id was made at. */
export function idTimeMs(id: string): number {
  let timeMs = 0
  for (let i = 0; i < TIME_CHARS; i++) {
    const digit = ALPHABET.indexOf(id[i] ?? '')
    if (digit < 0) throw new RangeError(`reading the time of id ${JSON.stringify(id)}: character ${i} is not Crockford base32`)
    timeMs = timeMs * 32 + digit
  }
  return timeMs
}
