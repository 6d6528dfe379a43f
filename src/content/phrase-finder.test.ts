import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { compilePhraseFinder } from './phrase-finder.ts'
import { defaultContentRules } from './rules.ts'

/** What the finder stands in for: one global pattern of the phrases, longest first. */
function byPattern(phrases: readonly string[], text: string): Set<string> {
  const sorted = [...new Set(phrases)].sort((a, b) => b.length - a.length)
  return new Set(text.match(new RegExp(sorted.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')))
}

test('finds the phrases that occur, wherever they are', () => {
  const find = compilePhraseFinder(['unsubscribe', 'customer support', '配信停止'])
  assert.deepEqual(find('please contact customer support or unsubscribe below. 配信停止はこちら'), new Set(['customer support', 'unsubscribe', '配信停止']))
  assert.deepEqual(find('nothing to see'), new Set())
})

test('a phrase inside a longer one found at the same place is not found there, as with the pattern', () => {
  const find = compilePhraseFinder(['配信停止', 'メール配信停止'])
  assert.deepEqual(find('メール配信停止'), new Set(['メール配信停止']))
  assert.deepEqual(find('メール配信停止 / 配信停止'), new Set(['メール配信停止', '配信停止']))
})

test('a phrase overlapped by an earlier match is not found there, as with the pattern', () => {
  const find = compilePhraseFinder(['opt out', 'out now'])
  assert.deepEqual(find('opt out now'), new Set(['opt out']))
})

test('finds what the pattern finds for any phrases and text', () => {
  const symbol = fc.constantFrom('a', 'b', 'c', ' ', '配', '信')
  const phrase = fc.array(symbol, { minLength: 1, maxLength: 5 }).map((symbols) => symbols.join(''))
  fc.assert(fc.property(fc.array(phrase, { minLength: 1, maxLength: 8 }), fc.array(symbol, { maxLength: 60 }), (phrases, text) => {
    assert.deepEqual(compilePhraseFinder(phrases)(text.join('')), byPattern(phrases, text.join('')))
  }), { numRuns: 2000 })
})

test('finds what the pattern finds for the wording lists on text made of their phrases', () => {
  const rules = defaultContentRules()
  const phrases = [...rules.urgent, ...rules.optOut, ...rules.advertising, ...rules.contact]
  const find = compilePhraseFinder(phrases)
  const piece = fc.oneof(fc.constantFrom(...phrases), fc.constantFrom(' ', '\n', 'x', 'お', '24'), fc.string({ maxLength: 4 }))
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
    const text = pieces.join('')
    assert.deepEqual(find(text), byPattern(phrases, text))
  }), { numRuns: 2000 })
})

test('an empty phrase list or an empty phrase falls back to the pattern', () => {
  assert.deepEqual(compilePhraseFinder([])('abc'), byPattern([], 'abc'))
  assert.deepEqual(compilePhraseFinder(['', 'b'])('abc'), byPattern(['', 'b'], 'abc'))
})

test('reads ASCII text as lower-cased, folding case itself, as the finder reads text.toLowerCase()', () => {
  const rules = defaultContentRules()
  const phrases = [...rules.urgent, ...rules.optOut, ...rules.advertising, ...rules.contact]
  const find = compilePhraseFinder(phrases)
  const ascii = phrases.filter((phrase) => !/[^\x00-\x7f]/.test(phrase))
  const piece = fc.oneof(fc.constantFrom(...ascii), fc.constantFrom(...ascii).map((phrase) => phrase.toUpperCase()), fc.constantFrom(' ', '\n', 'X', '24', '@', '['), fc.string({ maxLength: 4, unit: 'binary-ascii' }))
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
    const text = pieces.join('')
    assert.deepEqual(find.inLowerCasedAscii(text), find(text.toLowerCase()))
  }), { numRuns: 2000 })
})

test('reads ASCII text as lower-cased when a phrase holds a capital, as the finder reads text.toLowerCase()', () => {
  const symbol = fc.constantFrom('a', 'b', 'A', 'B', ' ', '配')
  const phrase = fc.array(symbol, { minLength: 1, maxLength: 5 }).map((symbols) => symbols.join(''))
  const text = fc.array(fc.constantFrom('a', 'b', 'A', 'B', ' ', '['), { maxLength: 60 }).map((symbols) => symbols.join(''))
  fc.assert(fc.property(fc.array(phrase, { minLength: 1, maxLength: 8 }), text, (phrases, text) => {
    assert.deepEqual(compilePhraseFinder(phrases).inLowerCasedAscii(text), byPattern(phrases, text.toLowerCase()))
  }), { numRuns: 2000 })
})

test('reads ASCII text as lower-cased, skipping along it, as the pattern reads text.toLowerCase(), for any small-letter phrases', () => {
  const phrase = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '-'), { minLength: 2, maxLength: 6 }).map((symbols) => symbols.join(''))
  const text = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '-', 'x', '\n'), { maxLength: 80 }).map((symbols) => symbols.join(''))
  fc.assert(fc.property(fc.array(phrase, { minLength: 1, maxLength: 8 }), text, (phrases, text) => {
    assert.deepEqual(compilePhraseFinder(phrases).inLowerCasedAscii(text), byPattern(phrases, text.toLowerCase()))
  }), { numRuns: 5000 })
})

test('reads a long ASCII text, past what the skip scan takes, as lower-cased too', () => {
  const rules = defaultContentRules()
  const find = compilePhraseFinder([...rules.urgent, ...rules.optOut, ...rules.advertising, ...rules.contact])
  const text = `${'Your '.repeat(20_000)}Shop Now, then UNSUBSCRIBE`
  assert.deepEqual(find.inLowerCasedAscii(text), new Set(['shop now', 'unsubscribe']))
  assert.deepEqual(find.inLowerCasedAscii(text.slice(-30_000)), find(text.slice(-30_000).toLowerCase()))
})

test('reads long ASCII text, its windows split between two scans again and again, as the pattern reads it', () => {
  const phrase = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '-', '%'), { minLength: 2, maxLength: 9 }).map((symbols) => symbols.join(''))
  const chunk = fc.array(fc.constantFrom('a', 'b', 'c', 'A', ' ', '-', '%', 'x', 'y', '\n'), { maxLength: 40 }).map((symbols) => symbols.join(''))
  const text = fc.tuple(fc.array(chunk, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 40 })).map(([chunks, times]) => chunks.join('').repeat(times))
  fc.assert(fc.property(fc.array(phrase, { minLength: 1, maxLength: 8 }), text, (phrases, text) => {
    assert.deepEqual(compilePhraseFinder(phrases).inLowerCasedAscii(text), byPattern(phrases, text.toLowerCase()))
  }), { numRuns: 1500 })
})
