import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createManualClock } from './clock.ts'
import { createSeededRandom } from './random.ts'

test('a manual clock moves only when advanced or set', () => {
  const clock = createManualClock(1_000)
  assert.equal(clock.now(), 1_000)
  clock.advance(500)
  assert.equal(clock.now(), 1_500)
  clock.set(10)
  assert.equal(clock.now(), 10)
  assert.throws(() => clock.advance(-1), /non-negative/)
})

test('a seeded random repeats its sequence and stays in [0, 1)', () => {
  const a = createSeededRandom(42)
  const b = createSeededRandom(42)
  for (let i = 0; i < 1000; i++) {
    const x = a.next()
    assert.equal(x, b.next())
    assert.ok(x >= 0 && x < 1)
  }
})
