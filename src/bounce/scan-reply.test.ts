import assert from 'node:assert/strict'
import { test } from 'node:test'
import { findReplyCode, findStatus, unfoldReply } from './scan-reply.ts'

test('finds the reply code at the start, after a DSN prefix, or introduced by a colon', () => {
  assert.equal(findReplyCode('550-5.7.1 blocked'), '550')
  assert.equal(findReplyCode('smtp; 550 5.1.1 user unknown'), '550')
  assert.equal(findReplyCode('host mx[192.0.2.1] said: 550 5.1.1 <x@y>: unknown'), '550')
  assert.equal(findReplyCode('SMTP error from remote mail server after MAIL FROM:<a@b> SIZE=2022: 553 5.7.1 [BL21]'), '553')
})

test('does not take a number in prose for a reply code', () => {
  assert.equal(findReplyCode('The number of attachments (600) exceeds the limit of 500 attachments'), '')
  assert.equal(findReplyCode('4.7.26 This mail has been rate limited'), '')
})

test('finds the enhanced status, but not in IP addresses or Yahoo\'s 4.16.55.1', () => {
  assert.equal(findStatus('550-5.7.26 text'), '5.7.26')
  assert.equal(findStatus('421 VS1-IP Excessive unknown recipients (#4.1.8)'), '4.1.8')
  assert.equal(findStatus('421 Message from 192.0.2.1 temporarily deferred - 4.16.50'), '')
  assert.equal(findStatus('421 4.7.0 [TSS04] from 203.0.113.5 - 4.16.55.1'), '4.7.0')
  assert.equal(findStatus('451 4.7.650 The mail server'), '4.7.650')
})

test('takes continuation prefixes out of a multi-line reply', () => {
  assert.equal(unfoldReply('550-5.7.1 unusual rate of\r\n550-5.7.1 unsolicited mail\r\n550 5.7.1 blocked', '550'), '550-5.7.1 unusual rate of\r\nunsolicited mail\r\nblocked')
  assert.equal(unfoldReply('550-5.7.1 rate of 550-5.7.1 unsolicited', '550'), '550-5.7.1 rate of unsolicited')
})
