import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { gatherFacts } from '../message-facts.ts'
import { readMessage } from '../read-message.ts'
import { defaultContentRules } from '../rules.ts'
import { DEFAULT_SIZE_THRESHOLDS } from './check.ts'
import { checkHtml } from './html.ts'

const rules = defaultContentRules()

/** How checkHtml says an HTML part hides text ('' when it does not). */
function hiddenHow(html: string): string {
  const facts = gatherFacts(readMessage(Buffer.from(`From: a@example.jp\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`)), rules)
  const hit = checkHtml(facts, { rules, options: {}, sizes: DEFAULT_SIZE_THRESHOLDS } as never).find((hit) => hit.id === 'html.hidden-text')
  return String(hit?.vars?.how ?? '')
}

const ZERO_HEIGHT_THEN_HIDDEN = /(?:^|;)\s*(?:max-)?height\s*:\s*0(?:px)?\s*;[^"']*overflow\s*:\s*hidden/i

test('a zero height hides text where the pattern finds overflow:hidden after it before any quote, for any style', () => {
  const pieces = [';', ' ', 'height', 'max-height', ':', '0', '0px', '1', 'overflow', 'hidden', 'overflow:hidden', 'height:0;', 'x', '"', "'"]
  fc.assert(fc.property(fc.constantFrom('"', "'"), fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (quote, pieces) => {
    const css = pieces.filter((piece) => piece !== quote).join('')
    const expected = ZERO_HEIGHT_THEN_HIDDEN.test(css) ? 'height:0 with overflow:hidden' : ''
    assert.equal(hiddenHow(`<div style=${quote}${css}${quote}>cheap pills free money</div>`), expected)
  }), { numRuns: 3000 })
})

test('a zero height repeated without overflow:hidden is read in linear time (200 KB of it took 3 s)', () => {
  for (const unit of [';height:0;', ';height:0;"', ';height:0;"overflow:hidden']) {
    const started = performance.now()
    hiddenHow(`<div style='hidden${unit.repeat(100_000)}'>cheap pills free money</div>`)
    const ms = performance.now() - started
    assert.ok(ms < 1000, `${JSON.stringify(unit)} × 100,000 took ${Math.round(ms)} ms`)
  }
})

test('HTML with no "=" hides nothing, whatever style words it has', () => {
  const pieces = ['<span ', '<div ', 'style', 'color', ':', 'display:none', 'color:#fff', 'font-size:0', ';', '>', 'cheap pills free money', ' ']
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (pieces) => {
    assert.equal(hiddenHow(pieces.join('')), '')
  }), { numRuns: 1000 })
})

test('image-only mail counts the visible characters as dropping every white space would, up to where the count matters', () => {
  const word = fc.constantFrom('sale', ' ', '\u3000', '\u00a0', '\n', 'セール', 'x'.repeat(50), '\t', '\u2028')
  fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.array(word, { maxLength: 40 }), (images, words) => {
    const html = `${'<img src="a.png">'.repeat(images)}<p>${words.join('')}</p>`
    const message = Buffer.from(`From: a@example.jp\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`)
    const facts = gatherFacts(readMessage(message), rules)
    const chars = facts.htmlParts[0].text.replace(/\s+/g, '').length
    const hit = checkHtml(facts, { rules, options: {}, sizes: DEFAULT_SIZE_THRESHOLDS } as never).find((found) => found.id === 'html.image-only')
    const expected = chars < 400 && chars < images * 100
    assert.equal(hit !== undefined, expected)
    if (hit !== undefined) assert.deepEqual(hit.vars, { images, chars })
  }), { numRuns: 2000 })
})
