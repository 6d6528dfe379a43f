// HTML: a text/plain alternative, image-only mail, hidden text.
import type { Hit } from '../finding.ts'
import { htmlToText, type MessageFacts } from '../message-facts.ts'
import type { CheckContext } from './check.ts'

/** Below this much visible text per image, mail reads as image-only (SpamAssassin HTML_IMAGE_ONLY_* start under 400 bytes of text; one logo over a short notice is fine). */
const MIN_TEXT_CHARS_PER_IMAGE = 100
const MIN_TEXT_CHARS = 400

const HIDING_STYLES: readonly [RegExp, string][] = [
  [/display\s*:\s*none/i, 'display:none'],
  [/visibility\s*:\s*hidden/i, 'visibility:hidden'],
  [/font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)/i, 'font-size:0'],
  [/(?:^|;)\s*(?:max-)?height\s*:\s*0(?:px)?\s*;[^"']*overflow\s*:\s*hidden/i, 'height:0 with overflow:hidden'],
]
const WHITE = /^(?:#fff|#ffffff|white|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))$/i

export function checkHtml(facts: MessageFacts, _context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const html = facts.textParts.filter((part) => part.kind === 'html')
  if (html.length === 0) return hits
  if (!facts.textParts.some((part) => part.kind === 'plain')) hits.push({ id: 'html.no-text-alternative', where: { part: html[0].part.path } })
  for (const { part, html: source } of facts.htmlParts) {
    const where = { part }
    const images = source.match(/<img\b/gi)?.length ?? 0
    const chars = images === 0 ? 0 : htmlToText(source).replace(/\s+/g, '').length
    if (images > 0 && chars < MIN_TEXT_CHARS && chars < images * MIN_TEXT_CHARS_PER_IMAGE) hits.push({ id: 'html.image-only', where, vars: { images, chars } })
    const hidden = hiddenTextOf(source)
    if (hidden !== undefined) hits.push({ id: 'html.hidden-text', where, vars: { how: hidden } })
  }
  return hits
}

/** How an element with text in it is hidden, or undefined. Elements hiding nothing (empty spacers) are fine. */
function hiddenTextOf(html: string): string | undefined {
  // no element styles or colours itself when the words appear nowhere: skip the walk over every tag
  if (!/style|color/i.test(html)) return undefined
  const hasBackground = /\bbgcolor\s*=|background(?:-color)?\s*:/i.test(html)
  for (const match of html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>([^<]{0,400})/gi)) {
    const [, , attributes, following] = match
    // only an element that styles or colours itself can hide its text
    if (attributes.length < 6 || !/style|color/i.test(attributes)) continue
    if (following.replace(/&nbsp;|&zwnj;|&#8204;|[\s\u200c\u00a0]/g, '').length < 3) continue
    const style = /\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(attributes)
    const css = style === null ? '' : (style[1] ?? style[2] ?? '')
    for (const [pattern, label] of HIDING_STYLES) if (pattern.test(css)) return label
    const color = /(?:^|;)\s*color\s*:\s*([^;!]+)/i.exec(css)?.[1]?.trim() ?? /\bcolor\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    const background = /background(?:-color)?\s*:\s*([^;!]+)/i.exec(css)?.[1]?.trim() ?? /\bbgcolor\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]
    if (color !== undefined && background !== undefined && color.toLowerCase() === background.toLowerCase()) return `text colour equal to its background (${color})`
    if (color !== undefined && background === undefined && WHITE.test(color) && !hasBackground) return 'white text on the default white background'
  }
  return undefined
}
