// HTML as the text a reader sees, and its anchors: pure string work over one HTML part, each
// pass linear in the text however it is malformed (the content preflight reads untrusted mail).

/**
 * HTML as the text a reader sees: no head, style or script, tags as spaces, entities decoded,
 * each run of white space one space. A step whose opening its text lacks is skipped.
 */
export function htmlToText(html: string): string {
  let text = html
  if (HIDDEN_ELEMENT_START.test(text)) text = withoutHiddenElements(text)
  if (text.includes('<!--')) text = withoutComments(text)
  text = tagsToSpaces(text)
  // an entity may decode to white space (&nbsp;, &#10;) next to a space: join the runs again
  return text.includes('&') ? decodeEntities(text).replace(WHITE_SPACE_RUN, ' ') : text
}

const HIDDEN_ELEMENT_START = /<(?:head|style|script)\b/i
const HIDDEN_ELEMENT_OPENING = /<(head|style|script)\b/gi
const HIDDEN_ELEMENT_CLOSING: Readonly<Record<string, RegExp>> = { head: /<\/head\s*>/gi, style: /<\/style\s*>/gi, script: /<\/script\s*>/gi }

/**
 * Each head, style and script element (to its first end tag) as one space, as replacing
 * /<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi would, in linear time: that pattern searched
 * from each start tag to the end of the text for an end tag, quadratic on '<style' repeated
 * without '</style>'. An element with no end tag after one start tag has none after any later one.
 */
function withoutHiddenElements(text: string): string {
  let out = ''
  let from = 0
  const unclosed = new Set<string>()
  HIDDEN_ELEMENT_OPENING.lastIndex = 0
  for (let opening = HIDDEN_ELEMENT_OPENING.exec(text); opening !== null; opening = HIDDEN_ELEMENT_OPENING.exec(text)) {
    const name = opening[1].toLowerCase()
    if (unclosed.has(name)) continue
    const closing = HIDDEN_ELEMENT_CLOSING[name]
    closing.lastIndex = HIDDEN_ELEMENT_OPENING.lastIndex
    const end = closing.exec(text)
    if (end === null) {
      unclosed.add(name)
      continue
    }
    out += text.slice(from, opening.index) + ' '
    from = end.index + end[0].length
    HIDDEN_ELEMENT_OPENING.lastIndex = from
  }
  return out + text.slice(from)
}

/** Each comment as one space, as replacing /<!--[\s\S]*?-->/g would; a '<!--' with no '-->' after it ends the search (no later one has one). */
function withoutComments(text: string): string {
  let out = ''
  let from = 0
  for (let opening = text.indexOf('<!--'); opening !== -1; opening = text.indexOf('<!--', from)) {
    const closing = text.indexOf('-->', opening + 4)
    if (closing === -1) break
    out += text.slice(from, opening) + ' '
    from = closing + 3
  }
  return out + text.slice(from)
}
/**
 * Tags (<[^>]*>) and white space ([ \t\r\n\u00a0]) next to each other as one space: what turning
 * each tag into a space and then each run of white space into one would give. A lone space
 * (most of them, between words) is left alone rather than replaced by itself.
 */
const TAGS_AND_WHITE_SPACE = /(?:[ \t\r\n\u00a0]|<[^>]*>){2,}|[\t\r\n\u00a0]|<[^>]*>/g
/** /[ \t\r\n\u00a0]+/ as one space, likewise leaving a lone space alone */
const WHITE_SPACE_RUN = /[ \t\r\n\u00a0]{2,}|[\t\r\n\u00a0]/g

/**
 * TAGS_AND_WHITE_SPACE over text. A '<' after the last '>' opens no tag, yet the pattern would
 * look for its '>' from each one to the end, quadratic on '<<<<…' (20,000 of them took 0.6 s):
 * that tail, from its first character that is not white space, has its runs joined alone.
 */
function tagsToSpaces(text: string): string {
  const lastGt = text.lastIndexOf('>')
  if (text.indexOf('<', lastGt + 1) === -1) return text.replace(TAGS_AND_WHITE_SPACE, ' ')
  let split = lastGt + 1
  while (split < text.length && WHITE_SPACE.test(text[split])) split++
  return text.slice(0, split).replace(TAGS_AND_WHITE_SPACE, ' ') + text.slice(split).replace(WHITE_SPACE_RUN, ' ')
}

const WHITE_SPACE = /[ \t\r\n\u00a0]/

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', yen: '¥' }

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity
  })
}

/** Most characters between an anchor's start tag and its end tag that are read as its text. */
const MAX_ANCHOR_TEXT_CHARS = 2000

/**
 * The anchors of an HTML text, as /<a\b([^>]*)>([\s\S]{0,2000}?)<\/a\s*>/gi matches them, in
 * linear time: that pattern reads from each '<a' to the next '>', then up to 2,000 characters
 * for the end tag, so a text of '<a ' with no '>' (or '<a>' with no '</a>') took time quadratic
 * in their number. Here every '</a' is looked for once, moving forward only; and every '<a'
 * before the same '>' shares that '>' and what follows it: when one finds no end tag, none of
 * them does, and the search goes on after that '>'.
 */
export function* anchorsOf(html: string): Generator<{ readonly attributes: string; readonly content: string }> {
  // this walk's own patterns: their positions are its state between yields
  const opening = /<a\b/gi
  const endTagStartPattern = /<\/a/gi
  const closing = /<\/a\s*>/iy
  /** the first '</a' at or after where the last search for one started; Infinity when none is left */
  let endTagStart = -1
  const endTagFrom = (from: number): number => {
    if (endTagStart >= from) return endTagStart
    endTagStartPattern.lastIndex = from
    endTagStart = endTagStartPattern.exec(html)?.index ?? Infinity
    return endTagStart
  }
  for (let start = opening.exec(html); start !== null; start = opening.exec(html)) {
    const startTagEnd = html.indexOf('>', start.index + 2)
    if (startTagEnd === -1) return
    const contentStart = startTagEnd + 1
    let end: number | undefined
    for (let at = endTagFrom(contentStart); at - contentStart <= MAX_ANCHOR_TEXT_CHARS; at = endTagFrom(at + 1)) {
      closing.lastIndex = at
      if (closing.test(html)) {
        end = at
        break
      }
    }
    if (end === undefined) {
      opening.lastIndex = contentStart
      continue
    }
    opening.lastIndex = closing.lastIndex
    yield { attributes: html.slice(start.index + 2, startTagEnd), content: html.slice(contentStart, end) }
  }
}
