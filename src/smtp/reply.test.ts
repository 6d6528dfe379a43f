import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  createReplyReader, formatReply, parseEhlo, readEnhancedStatus, MAX_REPLY_LINE_BYTES, MAX_REPLY_LINES,
} from './reply.ts'

const bytes = (text: string) => Buffer.from(text, 'utf8')

test('reads a single-line reply with its enhanced status', () => {
  const { replies } = createReplyReader().push(bytes('550 5.1.1 <nobody@example.com>: Recipient address rejected\r\n'))
  assert.deepEqual(replies, [{
    code: 550,
    enhancedStatus: '5.1.1',
    lines: ['5.1.1 <nobody@example.com>: Recipient address rejected'],
    text: '5.1.1 <nobody@example.com>: Recipient address rejected',
  }])
})

test('reads a multi-line reply split across chunks in the middle of lines', () => {
  const reader = createReplyReader()
  const wire = '421-4.7.28 Our system has detected an unusual rate of\r\n421-4.7.28 unsolicited mail.\r\n421 4.7.28 Try later.\r\n250 ok\r\n'
  const seen = []
  for (let i = 0; i < wire.length; i += 7) seen.push(...reader.push(bytes(wire.slice(i, i + 7))).replies)
  assert.equal(seen.length, 2)
  assert.equal(seen[0].code, 421)
  assert.equal(seen[0].enhancedStatus, '4.7.28')
  assert.deepEqual(seen[0].lines.length, 3)
  assert.equal(seen[0].text, '4.7.28 Our system has detected an unusual rate of\n4.7.28 unsolicited mail.\n4.7.28 Try later.')
  assert.equal(seen[1].text, 'ok')
  assert.equal(reader.hasPendingInput(), false)
})

test('accepts bare LF line ends and a code with no text', () => {
  const { replies } = createReplyReader().push(bytes('250\n354 go ahead\n'))
  assert.deepEqual(replies.map((r) => [r.code, r.text]), [[250, ''], [354, 'go ahead']])
})

test('fails on a line that is not a reply line and stays failed', () => {
  const reader = createReplyReader()
  const first = reader.push(bytes('HTTP/1.1 400 Bad Request\r\n'))
  assert.equal(first.failure?.reason, 'not-a-reply-line')
  assert.equal(reader.push(bytes('250 ok\r\n')).failure?.reason, 'not-a-reply-line')
})

test('fails on a line longer than MAX_REPLY_LINE_BYTES without waiting for its end', () => {
  const reader = createReplyReader()
  const result = reader.push(bytes('250 ' + 'x'.repeat(MAX_REPLY_LINE_BYTES)))
  assert.equal(result.failure?.reason, 'line-too-long')
})

test('fails on a reply with more than MAX_REPLY_LINES lines', () => {
  const result = createReplyReader().push(bytes('250-x\r\n'.repeat(MAX_REPLY_LINES + 1)))
  assert.equal(result.failure?.reason, 'too-many-lines')
})

test('takes an enhanced status only where RFC 2034 puts it and only of the reply code class', () => {
  assert.equal(readEnhancedStatus('2.1.5 Ok', 250), '2.1.5')
  assert.equal(readEnhancedStatus('5.7.1 Rejected', 450), undefined)
  assert.equal(readEnhancedStatus('Ok 2.0.0', 250), undefined)
  assert.equal(readEnhancedStatus('2.0.0', 250), '2.0.0')
  assert.equal(readEnhancedStatus('2.0.0queued', 250), undefined)
})

test('parses EHLO capabilities, including the old AUTH= form and SIZE', () => {
  const ehlo = createReplyReader().push(bytes(
    '250-mx.google.com at your service\r\n250-SIZE 157286400\r\n250-8BITMIME\r\n250-STARTTLS\r\n' +
      '250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-AUTH=LOGIN\r\n250-auth plain login\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n',
  )).replies[0]
  assert.deepEqual(parseEhlo(ehlo), {
    pipelining: true, starttls: true, size: 157286400, eightBitMime: true, smtpUtf8: true, chunking: true,
    enhancedStatusCodes: true, auth: ['LOGIN', 'PLAIN'],
  })
  assert.equal(parseEhlo({ lines: ['mx', 'SIZE'] }).size, undefined)
})

test('never throws on arbitrary bytes in arbitrary pieces', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
    const reader = createReplyReader()
    for (const chunk of chunks) {
      const result = reader.push(chunk)
      for (const reply of result.replies) assert.ok(reply.code >= 200 && reply.code <= 599)
    }
  }), { numRuns: 500 })
})

test('reads back any reply it formats, however the bytes are split', () => {
  const lineText = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\n') && !s.includes('\r'))
  const reply = fc.record({ code: fc.integer({ min: 200, max: 599 }), lines: fc.array(lineText, { minLength: 1, maxLength: 8 }) })
  fc.assert(fc.property(reply, fc.array(fc.nat(), { maxLength: 5 }), (original, cuts) => {
    const wire = bytes(formatReply(original))
    const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b)
    const reader = createReplyReader()
    const replies = []
    let from = 0
    for (const point of [...points, wire.length]) {
      replies.push(...reader.push(wire.subarray(from, point)).replies)
      from = point
    }
    assert.equal(replies.length, 1)
    assert.equal(replies[0].code, original.code)
    assert.deepEqual(replies[0].lines, original.lines)
    assert.equal(formatReply(replies[0]), formatReply(original))
  }), { numRuns: 500 })
})
