import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { decodeEntities, htmlToText } from './message-facts.ts'

/** htmlToText as the plain sequence of replacements it stands for: each step over the whole text. */
function htmlToTextStepByStep(html: string): string {
  return decodeEntities(html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' '))
    .replace(/[ \t\r\n\u00a0]+/g, ' ')
}

const PIECES = [
  '<', '>', ' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u3000', 'a', 'ok.', '配信', '&', ';', '#', '-', '!',
  '&nbsp;', '&#10;', '&#32;', '&#160;', '&amp;', '&lt;b&gt;', '<b>', '</p >', '<p style="color:red">', '<br/>',
  '<!--', '-->', '<style>', '</style>', '</STYLE >', '<head>', '</head>', '<script type="x">', '</script>', '<header>',
]

test('htmlToText gives what the step-by-step replacements give, for any HTML', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
    const html = pieces.join('')
    assert.equal(htmlToText(html), htmlToTextStepByStep(html))
  }), { numRuns: 5000 })
})

test('htmlToText joins a tag and the white space around it into one space', () => {
  assert.equal(htmlToText('<p>Hello,\n  <b>world</b> </p>\n<p>again&nbsp; &#10;here</p>'), ' Hello, world again here ')
})

test('htmlToText keeps a "<" that no ">" follows, and stays linear on many of them', () => {
  assert.equal(htmlToText('a <b>c</b> 1 < 2  <3'), 'a c 1 < 2 <3')
  const started = performance.now()
  assert.equal(htmlToText(`<p>x</p>${'<'.repeat(100_000)}`).length, 100_003)
  assert.ok(performance.now() - started < 1000)
})
