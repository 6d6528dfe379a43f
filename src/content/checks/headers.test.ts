import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { parseMailboxList } from '../mailbox-list.ts'
import { isDateTime } from './headers.ts'

const BLANKS = [' ', '  ', '\t', '\r\n ', '\n\t', '\u00a0']
const DATE_PIECES = ['Thu', ',', '01', '1', '32', 'Jan', 'jan', 'Feb', '2026', '26', '00', ':', '23', '24', '59', '60', '+0000', '-0930', 'GMT', 'UT', 'EST', 'z', 'j', '(', ')', '(comment)', 'x']

test('isDateTime reads a date the same whatever white space stands between its parts', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...DATE_PIECES), fc.constantFrom(...BLANKS, '')), { maxLength: 12 }), (pieces) => {
    const value = pieces.map(([piece, blank]) => piece + blank).join('')
    assert.equal(isDateTime(value), isDateTime(value.replace(/\s+/g, ' ')), JSON.stringify(value))
  }), { numRuns: 5000 })
  assert.equal(isDateTime(' Thu, 01 Jan 2026 00:00:00 +0000 '), true)
  assert.equal(isDateTime('Thu,\r\n 01 Jan 2026 00:00:00 +0000 (UTC)'), true)
  assert.equal(isDateTime('Thu, 32 Jan 2026 00:00:00 +0000'), false)
})

test('a From of one mailbox reads alike with or without the splitting walk (a comment forces the walk)', () => {
  const piece = fc.constantFrom('News', ' ', '<', '>', 'news@example.jp', 'a.b@example.jp', '@', '=?utf-8?B?5pel5pys?=', '\n ', 'x')
  fc.assert(fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
    const value = pieces.join('')
    // a trailing comment is dropped by the walk and makes it run: the mailboxes must be the same
    assert.deepEqual(parseMailboxList(`${value}(c)`), parseMailboxList(value), JSON.stringify(value))
  }), { numRuns: 5000 })
  assert.deepEqual(parseMailboxList('News <news@example.jp>'), [{ name: 'News', address: 'news@example.jp', domain: 'example.jp' }])
})
