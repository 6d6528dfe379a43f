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

/** How the opening tags as the pattern finds them hide text, each read as hiddenTextOf reads one (the reference for its walk). */
function hiddenHowByPattern(html: string): string {
  if (!html.includes('=') || !/style|color/i.test(html)) return ''
  for (const [, , attributes, following] of html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>([^<]{0,400})/gi)) {
    if (attributes.length < 6 || !/style|color/i.test(attributes) || !/none|hidden|font-size|color/i.test(attributes)) continue
    if (following.replace(/&nbsp;|&zwnj;|&#8204;|\s|\u200c/g, '').length < 3) continue
    const style = /\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(attributes)
    const css = style === null ? '' : (style[1] ?? style[2] ?? '')
    if (/display\s*:\s*none/i.test(css)) return 'display:none'
    if (/visibility\s*:\s*hidden/i.test(css)) return 'visibility:hidden'
    if (/font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)/i.test(css)) return 'font-size:0'
    if (ZERO_HEIGHT_THEN_HIDDEN.test(css)) return 'height:0 with overflow:hidden'
    const color = /(?:^|;)\s*color\s*:\s*([^;!]+)/i.exec(css)?.[1]?.trim() ?? /\bcolor\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    const background = /background(?:-color)?\s*:\s*([^;!]+)/i.exec(css)?.[1]?.trim() ?? /\bbgcolor\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    if (color !== undefined && background !== undefined && color.toLowerCase() === background.toLowerCase()) return `text colour equal to its background (${color})`
    if (color !== undefined && background === undefined && /^(?:#fff|#ffffff|white|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))$/i.test(color) && !/\bbgcolor\s*=|background(?:-color)?\s*:/i.test(html)) return 'white text on the default white background'
  }
  return ''
}

test('the opening tags are read as the pattern finds them, whatever comes between them', () => {
  const pieces = ['<', '>', '<p', '<div ', '<span', '<a_b ', '<h1 ', '<1', '</p>', ' style="', "style='", '"', "'", 'display:none', 'color:#fff', 'color: red',
    'background:red', ' bgcolor=red', ' color=white', 'font-size:0;', 'height:0;overflow:hidden', ';', ' ', '=', 'cheap pills free money', 'ab', '&nbsp;', '\n', 'x'.repeat(300)]
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (pieces) => {
    const html = pieces.join('')
    assert.equal(hiddenHow(html), hiddenHowByPattern(html))
  }), { numRuns: 5000 })
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
