import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { bareUrls } from './bare-urls.ts'

/** The pattern bareUrls stands for, as the reference. */
const BARE_URL = /\bhttps?:\/\/[^\s<>"'()[\]{}]+/gi
const PIECES = ['http', 'https', 'HTTP', 'hTtPs', '://', ':/', 's', 'x', '_', '9', ' ', '\r\n', '\t', '\u3000', '\u00a0', '\ufeff', '<', '>', '"', "'", '(', ')', '[', ']', '{', '}', '~',
  'example.jp', '/a?b=c#d', '配信停止', 'é', 'ſ', 'K']

test('bareUrls finds what the URL pattern matches, in order, in any text', () => {
  fc.assert(fc.property(fc.oneof(fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((pieces) => pieces.join('')), fc.string({ maxLength: 60 })), (text) => {
    assert.deepEqual(bareUrls(text, Infinity), text.match(BARE_URL) ?? [], JSON.stringify(text))
  }), { numRuns: 5000 })
})

test('bareUrls reads Japanese text and stops at the limit', () => {
  const text = '詳しくは https://shop.example.jp/sale をご覧ください。配信停止:HTTPS://example.jp/u?x=1\u3000以上 xhttp://no.example/ http://'
  assert.deepEqual(bareUrls(text, Infinity), ['https://shop.example.jp/sale', 'HTTPS://example.jp/u?x=1'])
  assert.deepEqual(bareUrls(text, 1), ['https://shop.example.jp/sale'])
})
