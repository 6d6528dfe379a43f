import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { encodeMessageData } from './message-data.ts'

const encode = (text: string) => Buffer.concat(encodeMessageData(Buffer.from(text, 'latin1'))).toString('latin1')

test('sends a clean CRLF message as it is, without copying it', () => {
  const message = Buffer.from('Subject: hi\r\n\r\nbody\r\n')
  const chunks = encodeMessageData(message)
  assert.equal(chunks[0], message)
  assert.equal(Buffer.concat(chunks).toString(), 'Subject: hi\r\n\r\nbody\r\n.\r\n')
})

test('ends a message that lacks a final line end before the terminator', () => {
  assert.equal(encode('Subject: hi\r\n\r\nbody'), 'Subject: hi\r\n\r\nbody\r\n.\r\n')
})

test('doubles a dot that starts a line, including the first line', () => {
  assert.equal(encode('.first\r\nmid\r\n.\r\n..two\r\n'), '..first\r\nmid\r\n..\r\n...two\r\n.\r\n')
})

test('turns bare LF and bare CR into CRLF', () => {
  assert.equal(encode('a\nb\rc\r\n\n.d'), 'a\r\nb\r\nc\r\n\r\n..d\r\n.\r\n')
})

test('sends an empty message as the terminator alone', () => {
  assert.equal(encode(''), '.\r\n')
})

test('never lets a line of the message end the data early, whatever the bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
    const wire = Buffer.concat(encodeMessageData(message)).toString('latin1')
    assert.ok(wire.endsWith('\r\n.\r\n') || wire === '.\r\n')
    const body = wire.slice(0, -3)
    assert.ok(!body.includes('\r\n.\r\n') && !body.startsWith('.\r\n'))
    assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(body), 'only CRLF line ends')
    // undoing the stuffing gives the message with its line ends normalized
    const unstuffed = body.split('\r\n').map((line) => (line.startsWith('.') ? line.slice(1) : line)).join('\r\n')
    const expected = Buffer.from(message).toString('latin1').replace(/\r\n|\r|\n/g, '\r\n')
    assert.equal(unstuffed, expected.length === 0 || expected.endsWith('\r\n') ? expected : expected + '\r\n')
  }), { numRuns: 1000 })
})
