import assert from 'node:assert/strict'
import { test } from 'node:test'
import { noticeBefore } from './returned-message.ts'

test('cuts the notice at the earliest marker, whatever its case', () => {
  const text = 'Delivery failed.\n----- Message header follows -----\nTo: a@example.jp\n----- Original message -----\nHello'
  assert.equal(noticeBefore(text, ['----- original message -----', '----- Message header follows -----']), 'Delivery failed.\n')
})

test('keeps the whole text from the start offset when no marker is there', () => {
  assert.equal(noticeBefore('Preamble. Delivery failed.', ['original mail:'], 10), 'Delivery failed.')
})
