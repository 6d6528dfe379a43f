// HTML: a text/plain alternative, image-only mail, hidden text.
import type { Hit } from '../finding.ts'
import type { MessageFacts } from '../message-facts.ts'
import type { CheckContext } from './check.ts'

/** Below this much visible text per image, mail reads as image-only (SpamAssassin HTML_IMAGE_ONLY_* start under 400 bytes of text; one logo over a short notice is fine). */
const MIN_TEXT_CHARS_PER_IMAGE = 100
const MIN_TEXT_CHARS = 400

const HIDING_STYLES: readonly [RegExp, string][] = [
  [/display\s*:\s*none/i, 'display:none'],
  [/visibility\s*:\s*hidden/i, 'visibility:hidden'],
  [/font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)/i, 'font-size:0'],
]
const WHITE = /^(?:#fff|#ffffff|white|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))$/i

export function checkHtml(facts: MessageFacts, _context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const html = facts.textParts.filter((part) => part.kind === 'html')
  if (html.length === 0) return hits
  if (!facts.textParts.some((part) => part.kind === 'plain')) hits.push({ id: 'html.no-text-alternative', where: { part: html[0].part.path } })
  for (const { part, html: source, text, imageCount: images } of facts.htmlParts) {
    const where = { part }
    if (images > 0) {
      // counted only as far as it matters: a newsletter's text passes the bar long before its end
      const chars = visibleCharCount(text, Math.min(MIN_TEXT_CHARS, images * MIN_TEXT_CHARS_PER_IMAGE))
      if (chars < MIN_TEXT_CHARS && chars < images * MIN_TEXT_CHARS_PER_IMAGE) hits.push({ id: 'html.image-only', where, vars: { images, chars } })
    }
    const hidden = hiddenTextOf(source)
    if (hidden !== undefined) hits.push({ id: 'html.hidden-text', where, vars: { how: hidden } })
  }
  return hits
}

/** How an element with text in it is hidden, or undefined. Elements hiding nothing (empty spacers) are fine. */
function hiddenTextOf(html: string): string | undefined {
  // every way of hiding below reads an attribute's value (style="…", color=…, bgcolor=…): without
  // an '=' (found by indexOf, where /style|color/i read every character of the text) there is none,
  // nor when the words appear nowhere
  if (!html.includes('=') || !STYLE_OR_COLOR.test(html)) return undefined
  // whether anything sets a background: looked for only when white text is found
  let hasBackground: boolean | undefined
  for (let at = html.indexOf('<'); at !== -1;) {
    const nameEnd = isAsciiLetter(html.charCodeAt(at + 1)) ? tagNameEnd(html, at) : -1
    // no tag: no letter after the '<', or a name that does not end at a word boundary ('<a_b>')
    if (nameEnd === -1 || html.charCodeAt(nameEnd) === 95) {
      at = html.indexOf('<', at + 1)
      continue
    }
    const close = html.indexOf('>', nameEnd)
    // no '>' after this '<' means none after any later one either
    if (close === -1) return undefined
    const next = html.indexOf('<', close + 1)
    at = next
    // only an element that styles or colours itself can hide its text, and only with these words
    if (close - nameEnd < 6) continue
    const attributes = html.slice(nameEnd, close)
    if (!STYLE_OR_COLOR.test(attributes) || !HIDING_WORDS.test(attributes)) continue
    if (!hasVisibleChars(html.slice(close + 1, Math.min(next === -1 ? html.length : next, close + 1 + MAX_FOLLOWING_CHARS)), 3)) continue
    const style = STYLE_ATTRIBUTE.exec(attributes)
    const css = style === null ? '' : (style[1] ?? style[2] ?? '')
    for (const [pattern, label] of HIDING_STYLES) if (pattern.test(css)) return label
    if (hasZeroHeightOverflowHidden(css)) return 'height:0 with overflow:hidden'
    const color = /(?:^|;)\s*color\s*:\s*([^;!]+)/i.exec(css)?.[1]?.trim() ?? /\bcolor\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    const background = /background(?:-color)?\s*:\s*([^;!]+)/i.exec(css)?.[1]?.trim() ?? /\bbgcolor\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    if (color !== undefined && background !== undefined && color.toLowerCase() === background.toLowerCase()) return `text colour equal to its background (${color})`
    if (color !== undefined && background === undefined && WHITE.test(color) && !(hasBackground ??= /\bbgcolor\s*=|background(?:-color)?\s*:/i.test(html))) return 'white text on the default white background'
  }
  return undefined
}

const STYLE_OR_COLOR = /style|color/i
const STYLE_ATTRIBUTE = /\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/i

const ZERO_HEIGHT = /(?:^|;)\s*(?:max-)?height\s*:\s*0(?:px)?\s*;/gi
const OVERFLOW_HIDDEN = /overflow\s*:\s*hidden/gi

/**
 * Whether css has a zero height and then overflow:hidden with no quote between, as
 * /(?:^|;)\s*(?:max-)?height\s*:\s*0(?:px)?\s*;[^"']*overflow\s*:\s*hidden/i finds it, in linear
 * time: that pattern read from each zero height to the next quote or the end for 'overflow',
 * quadratic on ';height:0;' repeated (200 KB of it in one style took 3 s). Here the first
 * overflow:hidden and the first quote of each kind are found once and kept until a zero height
 * ends past them; a zero height whose overflow comes after a quote shares it with every later
 * one before that quote, so the search goes on after the quote.
 */
function hasZeroHeightOverflowHidden(css: string): boolean {
  let overflow = -1
  let doubleQuote = -1
  let singleQuote = -1
  ZERO_HEIGHT.lastIndex = 0
  while (ZERO_HEIGHT.test(css)) {
    const from = ZERO_HEIGHT.lastIndex
    if (overflow < from) {
      OVERFLOW_HIDDEN.lastIndex = from
      overflow = OVERFLOW_HIDDEN.exec(css)?.index ?? css.length
    }
    if (overflow === css.length) return false
    if (doubleQuote < from) doubleQuote = indexOrLength(css, '"', from)
    if (singleQuote < from) singleQuote = indexOrLength(css, "'", from)
    const quote = Math.min(doubleQuote, singleQuote)
    if (overflow < quote) return true
    ZERO_HEIGHT.lastIndex = quote + 1
  }
  return false
}

function indexOrLength(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from)
  return index === -1 ? text.length : index
}

/** A word each way of hiding above needs in the tag (display:none, visibility:hidden, overflow:hidden, font-size:0, a colour). */
const HIDING_WORDS = /none|hidden|font-size|color/i
/** Text after an opening tag looked at for hidden words: enough to tell words from a spacer. */
const MAX_FOLLOWING_CHARS = 400

// The opening tags are read in order as /<([a-z][a-z0-9]*)\b([^>]*)>([^<]{0,400})/gi finds them
// (a '<' inside a tag's attributes is part of them: the next tag is looked for after its '>'), with
// indexOf instead of a regex match and its captures per tag, and in a loop rather than a generator:
// a tag's attributes are cut out only when long enough to hide anything, the text after it only
// when they can (checkHtml of the corpus's 64 HTML parts 953/980 -> 831/843 µs, interleaved).

/** Where the name of the tag opening at `at` ends. */
function tagNameEnd(html: string, at: number): number {
  let nameEnd = at + 2
  while (isAsciiLetter(html.charCodeAt(nameEnd)) || isAsciiDigit(html.charCodeAt(nameEnd))) nameEnd++
  return nameEnd
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

/**
 * Whether text has at least `count` characters once white space (\s), zero-width non-joiners and
 * &nbsp; &zwnj; &#8204; are left out; stops at the `count`th.
 */
function hasVisibleChars(text: string, count: number): boolean {
  let seen = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === 38) {
      if (text.startsWith('&nbsp;', index) || text.startsWith('&zwnj;', index)) {
        index += 5
        continue
      }
      if (text.startsWith('&#8204;', index)) {
        index += 6
        continue
      }
    } else if (isSpace(code) || code === 0x200c) continue
    if (++seen >= count) return true
  }
  return false
}

/** Characters of text that are not white space (\s), counted no further than `limit`. */
function visibleCharCount(text: string, limit: number): number {
  let count = 0
  for (let index = 0; index < text.length && count < limit; index++) if (!isSpace(text.charCodeAt(index))) count++
  return count
}

/** JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator), without a regex per character. */
function isSpace(code: number): boolean {
  if (code < 0x80) return code === 32 || (code >= 9 && code <= 13)
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029
    || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
}
