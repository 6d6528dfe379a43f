import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createManualClock } from './clock.ts'
import { createId, idTimeMs } from './id.ts'
import { createSeededRandom, systemRandom } from './random.ts'

test('an id is 26 Crockford base32 characters that carry its time', () => {
  const clock = createManualClock(1_750_000_000_123)
  const id = createId(clock, systemRandom)
  assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/)
  assert.equal(idTimeMs(id), 1_750_000_000_123)
})

test('ids made later sort after ids made earlier', () => {
  const clock = createManualClock(1_000)
  const ids: string[] = []
  for (let i = 0; i < 100; i++) {
    ids.push(createId(clock, systemRandom))
    clock.advance(1 + i * 997)
  }
  assert.deepEqual([...ids].sort(), ids)
})

test('a seeded random gives the same ids, and many ids in one millisecond stay distinct', () => {
  const clock = createManualClock(5)
  const a = createSeededRandom(7)
  const b = createSeededRandom(7)
  assert.equal(createId(clock, a), createId(clock, b))
  const seen = new Set<string>()
  for (let i = 0; i < 10_000; i++) seen.add(createId(clock, systemRandom))
  assert.equal(seen.size, 10_000)
})

test('a clock outside 48 bits of milliseconds is refused', () => {
  assert.throws(() => createId(createManualClock(-1), systemRandom), /expected epoch ms/)
  assert.throws(() => createId(createManualClock(2 ** 48), systemRandom), /expected epoch ms/)
})
