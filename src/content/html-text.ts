// HTML as the text a reader sees, and its anchors: pure string work over one HTML part, each
// pass linear in the text however it is malformed (the content preflight reads untrusted mail).
import { decodeEntities } from './html-entities.ts'

/** An HTML part as one walk over its tags reads it. */
export interface HtmlReading {
  /** the visible text (htmlToText) */
  readonly text: string
  /** '<img' start tags, as /<img\b/gi counts them (in comments and attribute values too) */
  readonly imageCount: number
  /** where anchorsOf may start looking: the first '<a' as /<a\b/i finds it (the length when none), or 0 where the reading did not look */
  readonly anchorsFrom: number
}

/**
 * An HTML part's visible text, images and first anchor. Most HTML in bulk mail has no head, style,
 * script or comment; there one walk from '<' to '<' gives all three. Otherwise that walk stops at
 * the first of them, and the steps that take them out run first, each counting the images in what
 * it takes out. `isCrlfText` says every LF in the HTML follows a CR (the message's line ends, kept).
 */
export function readHtml(html: string, isCrlfText = false): HtmlReading {
  const walked = walkTags(html, true)
  return walked === undefined ? readStepwise(html, isCrlfText) : { text: visibleText(walked.text, html, isCrlfText), imageCount: walked.imageCount, anchorsFrom: walked.anchorsFrom }
}

/**
 * HTML as the text a reader sees: no head, style or script, tags as spaces, entities decoded,
 * each run of white space one space.
 */
export function htmlToText(html: string): string {
  return readHtml(html).text
}

/**
 * readHtml one step after another, a step whose opening the text lacks skipped. Each '<img' is
 * in what one step takes out or in what is left for the tag walk, which both count: a step puts
 * a space for what it takes out, which starts and ends at a '<' and a '>', neither in '<img'.
 */
function readStepwise(html: string, isCrlfText: boolean): HtmlReading {
  const hidden = HIDDEN_ELEMENT_START.test(html) ? withoutHiddenElements(html) : { text: html, imageCount: 0 }
  const comments = hidden.text.includes('<!--') ? withoutComments(hidden.text) : { text: hidden.text, imageCount: 0 }
  const walked = walkTags(comments.text, false)!
  return { text: visibleText(walked.text, comments.text, isCrlfText), imageCount: hidden.imageCount + comments.imageCount + walked.imageCount, anchorsFrom: 0 }
}

/**
 * The walk's text with entities decoded and each run of white space left in it one space. The
 * walk adds no '&': the text it read is searched for one, flat and a few characters longer, rather
 * than the pieces it wrote. An entity may decode to white space (&nbsp;, &#10;) next to a space,
 * and to a LF after no CR. (Replacing /[ \t\r\n\u00a0]{2,}|[\t\r\n\u00a0]/g by ' ' instead stopped at
 * every space: the benchmark newsletter with one &amp; ~12 -> ~8 µs.)
 */
function visibleText(walked: string, read: string, isCrlfText: boolean): string {
  return read.includes('&') ? withWhiteSpaceJoined(decodeEntities(walked), false) : withWhiteSpaceJoined(walked, isCrlfText)
}

/** What a step left of the text, and the '<img's in what it took out. */
interface TextTaken {
  readonly text: string
  readonly imageCount: number
}

const HIDDEN_ELEMENT_START = /<(?:head|style|script)\b/i
const HIDDEN_ELEMENT_CLOSING: Readonly<Record<string, RegExp>> = { head: /<\/head\s*>/gi, style: /<\/style\s*>/gi, script: /<\/script\s*>/gi }

/**
 * Each head, style and script element (to its first end tag) as one space, as replacing
 * /<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi would, in linear time: that pattern searched
 * from each start tag to the end of the text for an end tag, quadratic on '<style' repeated
 * without '</style>'. An element with no end tag after one start tag has none after any later one.
 * The start tags are found '<' by '<' (the pattern read every character); imageCount counts the
 * '<img's in the elements taken out.
 */
function withoutHiddenElements(text: string): TextTaken {
  let out = ''
  let from = 0
  let imageCount = 0
  const unclosed = new Set<string>()
  for (let opening = text.indexOf('<'); opening !== -1; opening = text.indexOf('<', opening + 1)) {
    const name = hiddenElementAt(text, opening)
    if (name === undefined || unclosed.has(name)) continue
    const closing = HIDDEN_ELEMENT_CLOSING[name]
    closing.lastIndex = opening + 1 + name.length
    const end = closing.exec(text)
    if (end === null) {
      unclosed.add(name)
      continue
    }
    out += text.slice(from, opening) + ' '
    from = end.index + end[0].length
    imageCount += imageCountOf(text, opening, from)
    opening = from - 1
  }
  return { text: out + text.slice(from), imageCount }
}

/** The hidden element the '<' at `at` starts, as /<(head|style|script)\b/i reads it, lower case. */
function hiddenElementAt(text: string, at: number): 'head' | 'style' | 'script' | undefined {
  switch (text.charCodeAt(at + 1) | 0x20) {
    case 0x68: return isNamedAt(text, at, 'head') ? 'head' : undefined
    case 0x73: return isNamedAt(text, at, 'style') ? 'style' : isNamedAt(text, at, 'script') ? 'script' : undefined
    default: return undefined
  }
}

/**
 * Each comment as one space, as replacing /<!--[\s\S]*?-->/g would; a '<!--' with no '-->' after it
 * ends the search (no later one has one). imageCount counts the '<img's in the comments.
 */
function withoutComments(text: string): TextTaken {
  let out = ''
  let from = 0
  let imageCount = 0
  for (let opening = text.indexOf('<!--'); opening !== -1; opening = text.indexOf('<!--', from)) {
    const closing = text.indexOf('-->', opening + 4)
    if (closing === -1) break
    out += text.slice(from, opening) + ' '
    from = closing + 3
    imageCount += imageCountOf(text, opening, from)
  }
  return { text: out + text.slice(from), imageCount }
}

/**
 * Each tag (<[^>]*>) as one space, joined with the white space ([ \t\r\n\u00a0]) and tags on both
 * sides of it, and the '<img's and the first '<a' noted; undefined when `plainOnly` and the text
 * has a head, style or script start tag or a comment opening, which htmlToText takes out first.
 * What this leaves is what replacing /(?:[ \t\r\n\u00a0]|<[^>]*>)+/g by ' ' leaves but for white
 * space that touches no tag, which withWhiteSpaceJoined joins after (the entities decoded first).
 *
 * The walk goes from '<' to '<' (indexOf) and never reads the text between tags: it reads only the
 * white space right after a tag and before it, back to what it has written. Tags first, then the
 * white space left: in HTML laid out in lines the line ends sit next to tags, and a search for them
 * in the HTML ran again after every tag; in what the walk leaves each kind is searched for once
 * (the 5 KB benchmark newsletter ~8.5 -> ~6.8 µs; HTML in tables without entities, a quarter
 * less; text with line ends or two spaces between tags and no entity ~0.7-1.4 µs more, the walk's
 * text being written once more). Every '<' is looked at once, in order, those inside a tag's
 * attributes and after the last '>' too. A '<' after the last '>' opens no tag: the pattern looked
 * for its '>' from each one to the end, quadratic on '<<<<…' (20,000 of them took 0.6 s).
 */
function walkTags(text: string, plainOnly: boolean): HtmlReading | undefined {
  const end = text.length
  const lastGt = text.lastIndexOf('>')
  let out = ''
  let imageCount = 0
  let firstAnchor = end
  /** text before this is written to `out`, or is in the run being read */
  let written = 0
  /** the run being read: [runStart, runEnd); runEnd is -1 while there is none */
  let runStart = 0
  let runEnd = -1
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const first = text.charCodeAt(at + 1)
    const kind = tagKindAt(text, at, first)
    if (kind === IMG) imageCount++
    else if (kind === ANCHOR) firstAnchor = Math.min(firstAnchor, at)
    else if (kind === HIDDEN && plainOnly) return undefined
    // a '<' inside the tag just read, or with no '>' after it, starts nothing
    if (at < runEnd || at > lastGt) continue
    if (at !== runEnd) {
      if (runEnd !== -1) {
        out += text.slice(written, runStart) + ' '
        written = runEnd
      }
      runStart = at
      while (runStart > written && isWhiteSpace(text.charCodeAt(runStart - 1))) runStart--
    }
    runEnd = tagEndAfter(text, at, first)
    while (runEnd < end && isWhiteSpace(text.charCodeAt(runEnd))) runEnd++
  }
  if (runEnd === -1) return { text, imageCount, anchorsFrom: firstAnchor }
  return { text: out + text.slice(written, runStart) + ' ' + text.slice(runEnd), imageCount, anchorsFrom: firstAnchor }
}

/**
 * Just after the '>' that ends the tag at `at` (there is one): looked for in the first places,
 * where a short tag ('<p>', '<br>', '</td>') has it, before it is searched for; starting a search
 * costs about what reading four characters does (the benchmark newsletter's 65 '<br>'s: readHtml
 * ~7.1 -> ~6.7 µs; corpus HTML within noise).
 */
function tagEndAfter(text: string, at: number, first: number): number {
  if (first === 62) return at + 2
  for (let index = at + 2; index <= at + 4; index++) if (text.charCodeAt(index) === 62) return index + 1
  return text.indexOf('>', at + 5) + 1
}

/**
 * Each run of white space ([ \t\r\n\u00a0]) as one space, as replacing /[ \t\r\n\u00a0]+/g by ' '
 * would, a lone space left as it is (no tag in the text is looked at). The regex stops at every
 * space between words to see whether another follows (~4 µs on 5 KB of text). This stops only
 * where a run must start: at a \t \r \n or no-break space, or two spaces, each kind found by a
 * search (indexOf; two spaces, TWO_SPACES) from where it has read to, kept until it reads past it,
 * so that the searches of one kind read each character once. With `isCrlfText` every LF follows a
 * CR, so is in the run that CR starts: LFs are not searched for (the tag walk takes out a CRLF's
 * two characters together or neither).
 */
function withWhiteSpaceJoined(text: string, isCrlfText: boolean): string {
  const end = text.length
  let out = ''
  /** text before this is written to `out` */
  let written = 0
  let newline = isCrlfText ? end : -1
  let tab = -1
  let cr = -1
  let nbsp = -1
  let twoSpaces = -1
  for (;;) {
    if (newline < written) newline = found(text.indexOf('\n', written), end)
    if (tab < written) tab = found(text.indexOf('\t', written), end)
    if (cr < written) cr = found(text.indexOf('\r', written), end)
    if (nbsp < written) nbsp = found(text.indexOf('\u00a0', written), end)
    if (twoSpaces < written) {
      TWO_SPACES.lastIndex = written
      twoSpaces = TWO_SPACES.test(text) ? TWO_SPACES.lastIndex - 2 : end
    }
    const at = Math.min(newline, tab, cr, nbsp, twoSpaces)
    if (at === end) break
    // the one space before it, if any, is in the run (two would have started it)
    const runStart = at > written && text.charCodeAt(at - 1) === 32 ? at - 1 : at
    let runEnd = at + 1
    while (runEnd < end && isWhiteSpace(text.charCodeAt(runEnd))) runEnd++
    out += text.slice(written, runStart) + ' '
    written = runEnd
  }
  return written === 0 ? text : out + text.slice(written)
}

/** Two spaces: indexOf('  ') stops at every space to look at the next (~4 µs on 5 KB of text); this regex skips two characters at a time (~1.7 µs). */
const TWO_SPACES = / {2}/g

function found(index: number, end: number): number {
  return index === -1 ? end : index
}

function isWhiteSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 160
}

/** What a '<' opens, as far as the walk cares: an image, an anchor, or what htmlToText takes out before the tags (head, style, script, comment). */
const OTHER = 0
const IMG = 1
const ANCHOR = 2
const HIDDEN = 3

function tagKindAt(text: string, at: number, first: number): number {
  switch (first | 0x20) {
    case 0x61: return isNamedAt(text, at, 'a') ? ANCHOR : OTHER
    case 0x69: return isNamedAt(text, at, 'img') ? IMG : OTHER
    // 0x01 | 0x20 is '!' too
    case 0x21: return first === 0x21 && text.startsWith('<!--', at) ? HIDDEN : OTHER
    default: return hiddenElementAt(text, at) === undefined ? OTHER : HIDDEN
  }
}

/** The '<img's starting in [from, to), as /<img\b/gi counts them, '<' by '<'. */
function imageCountOf(text: string, from: number, to: number): number {
  let count = 0
  for (let at = text.indexOf('<', from); at !== -1 && at < to; at = text.indexOf('<', at + 1)) if (isNamedAt(text, at, 'img')) count++
  return count
}

/** Whether the '<' at `at` opens `name` (ASCII, lower case) in any case, as /<name\b/i reads it: ASCII letters alone fold, and \b means no [A-Za-z0-9_] after. */
function isNamedAt(text: string, at: number, name: string): boolean {
  for (let index = 0; index < name.length; index++) if ((text.charCodeAt(at + 1 + index) | 0x20) !== name.charCodeAt(index)) return false
  return !isWordChar(text.charCodeAt(at + 1 + name.length))
}

/** A character \w matches without the u flag: ASCII letters, digits and '_' (where \b sees a word). */
export function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95
}

/** Most characters between an anchor's start tag and its end tag that are read as its text. */
const MAX_ANCHOR_TEXT_CHARS = 2000

/**
 * The anchors of an HTML text, as /<a\b([^>]*)>([\s\S]{0,2000}?)<\/a\s*>/gi matches them, in
 * linear time: that pattern reads from each '<a' to the next '>', then up to 2,000 characters
 * for the end tag, so a text of '<a ' with no '>' (or '<a>' with no '</a>') took time quadratic
 * in their number. Here every '</a' is looked for once, moving forward only; and every '<a'
 * before the same '>' shares that '>' and what follows it: when one finds no end tag, none of
 * them does, and the search goes on after that '>'. `from` is where to look for the first '<a'
 * (readHtml's anchorsFrom, which saves that search).
 */
export function* anchorsOf(html: string, from = 0): Generator<{ readonly attributes: string; readonly content: string }> {
  // most HTML in bulk mail has no anchor: nothing more is made for it
  const first = anchorStartFrom(html, from)
  if (first === -1) return
  // this walk's own pattern: its position is its state between yields
  const closing = /<\/a\s*>/iy
  /** the first '</a' at or after where the last search for one started; Infinity when none is left */
  let endTagStart = -1
  const endTagFrom = (from: number): number => {
    if (endTagStart >= from) return endTagStart
    const at = endTagStartFrom(html, from)
    endTagStart = at === -1 ? Infinity : at
    return endTagStart
  }
  /** where the search for the next '<a' starts */
  let next = first
  for (let start = first; start !== -1; start = anchorStartFrom(html, next)) {
    const startTagEnd = html.indexOf('>', start + 2)
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
      next = contentStart
      continue
    }
    next = closing.lastIndex
    yield { attributes: html.slice(start + 2, startTagEnd), content: html.slice(contentStart, end) }
  }
}

// '<a' and '</a' are found '<' by '<' (indexOf), as /<a\b/gi and /<\/a/gi find them: those
// patterns look at every character, twice the time on the corpus's HTML (its anchors 225 -> 107 µs)

/** The first '<a' at or after `from`, -1 when none. */
function anchorStartFrom(html: string, from: number): number {
  let at = html.indexOf('<', from)
  while (at !== -1 && !isNamedAt(html, at, 'a')) at = html.indexOf('<', at + 1)
  return at
}

/** The first '</a' at or after `from` (in any case; '</abbr' too), -1 when none. */
function endTagStartFrom(html: string, from: number): number {
  let at = html.indexOf('<', from)
  while (at !== -1 && !(html.charCodeAt(at + 1) === 0x2f && (html.charCodeAt(at + 2) | 0x20) === 0x61)) at = html.indexOf('<', at + 1)
  return at
}
