import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatByteSize, formatDuration, parseByteSize, parseDuration } from './units.ts'

test('durations in human units become milliseconds', () => {
  assert.equal(parseDuration('30s'), 30_000)
  assert.equal(parseDuration('5m'), 300_000)
  assert.equal(parseDuration('2h'), 7_200_000)
  assert.equal(parseDuration('5d'), 432_000_000)
  assert.equal(parseDuration('1h30m'), 5_400_000)
  assert.equal(parseDuration('1h 30m'), 5_400_000)
  assert.equal(parseDuration('250ms'), 250)
  assert.equal(parseDuration('1.5s'), 1500)
  assert.equal(parseDuration(1200), 1200)
  assert.equal(parseDuration('1200'), 1200)
})

test('anything else is not a duration', () => {
  for (const bad of ['5 dayz', '', 's', '5x', '-1s', '1h and', 'h5', true, null, -3, Number.NaN, '5d5']) {
    assert.equal(parseDuration(bad), undefined, JSON.stringify(bad))
  }
})

test('sizes in SI and IEC units become bytes', () => {
  assert.equal(parseByteSize('25MiB'), 26_214_400)
  assert.equal(parseByteSize('10MB'), 10_000_000)
  assert.equal(parseByteSize('512 KiB'), 524_288)
  assert.equal(parseByteSize('1gib'), 1024 ** 3)
  assert.equal(parseByteSize('100B'), 100)
  assert.equal(parseByteSize(4096), 4096)
  assert.equal(parseByteSize('25 megs'), undefined)
  assert.equal(parseByteSize(1.5), undefined)
})

test('formatting picks the largest exact unit and parses back', () => {
  assert.equal(formatDuration(432_000_000), '5d')
  assert.equal(formatDuration(1500), '1500ms')
  assert.equal(formatByteSize(26_214_400), '25MiB')
  assert.equal(formatByteSize(1000), '1000B')
  for (const ms of [0, 1, 999, 1000, 90_000, 5_400_000]) assert.equal(parseDuration(formatDuration(ms)), ms)
})
