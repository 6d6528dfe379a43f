import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { splitMessage } from './message-header.ts'

const split = (text: string) => splitMessage(Buffer.from(text, 'latin1'))

describe('splitMessage', () => {
  it('cuts at the first blank line and keeps each field with its folding', () => {
    const parts = split('From: a@x.test\r\nSubject: one\r\n\ttwo\r\n\r\nBody\r\n')
    assert.deepEqual(parts.fields, [
      { name: 'from', text: 'From: a@x.test' },
      { name: 'subject', text: 'Subject: one\r\n\ttwo' },
    ])
    assert.equal(Buffer.from(parts.body).toString(), 'Body\r\n')
    assert.deepEqual([parts.hasBlankLine, parts.lineEnd], [true, '\r\n'])
  })

  it('reads bare-LF messages and reports their line end', () => {
    const parts = split('From: a@x.test\nSubject: one\n two\n\nBody\n')
    assert.deepEqual(parts.fields.map((field) => field.text), ['From: a@x.test', 'Subject: one\n two'])
    assert.equal(parts.lineEnd, '\n')
  })

  it('lower-cases names and drops the whitespace before the colon', () => {
    assert.equal(split('LIST-Unsubscribe  : <x>\r\n\r\n').fields[0].name, 'list-unsubscribe')
  })

  it('takes a message without a blank line as all header, with an empty body', () => {
    const parts = split('From: a@x.test\r\nTo: b@x.test')
    assert.deepEqual(parts.fields.map((field) => field.name), ['from', 'to'])
    assert.deepEqual([parts.body.length, parts.hasBlankLine], [0, false])
  })

  it('never throws and never loses a byte: fields and body account for the whole message', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('A', ':', ' ', '\t', '\r\n', '\n', '\r', 'x'), { maxLength: 40 }), (pieces) => {
        const text = pieces.join('')
        const parts = split(text)
        const fieldBytes = parts.fields.reduce((sum, field) => sum + field.text.length, 0)
        assert.ok(fieldBytes + parts.body.length <= text.length)
      }),
    )
  })
})
