// Facts about a message that several checks read, worked out once: the From mailboxes, the
// decoded text and HTML, links, images and attachments.
import { isAscii } from 'node:buffer'
import { bareUrls } from './bare-urls.ts'
import { decodeBytes, decodeEncodedWords, decodeTransfer, isKnownCharset, normalizeCharset, transferBytes } from './decode-body.ts'
import { decodeEntities } from './html-entities.ts'
import { anchorsOf, htmlToText, readHtml } from './html-text.ts'
import { MAX_LINKS, MAX_LINT_TEXT_BYTES, WORDING_WINDOW_CHARS } from './limits.ts'
import { bodyLength, bodyText, crlfsOf, leavesOf, type HeaderField, type MessagePart, type ReadMessage } from './read-message.ts'
import { parseMailboxList, type Mailbox } from './mailbox-list.ts'
import type { PhraseFinder } from './phrase-finder.ts'
import type { ContentRules } from './rules.ts'

export interface TextPart {
  readonly part: MessagePart
  readonly kind: 'plain' | 'html'
  /**
   * the declared charset, lower case; undefined when the part declares none. Every TextPart has
   * every field (undefined where there is none): one shape for the checks that read them, and no
   * object spread to make them (~0.3 µs a part).
   */
  readonly charset: string | undefined
  /**
   * the decoded text; undefined when the bytes do not decode under the charset (or the charset
   * is unknown). Its line ends are LF, or, when `crlfs` is not 0, CRLF as in the message: the
   * scans read a line end as white space either way (wording, links, HTML), and a 10 KB part
   * is not copied to make it LF-only. lfText gives it with LF line ends.
   */
  readonly text: string | undefined
  readonly crlfs: number
  /** bytes after transfer decoding */
  readonly sizeBytes: number
  readonly hasHighBytes: boolean
  readonly transferProblem: string | undefined
}

export interface Link {
  readonly href: string
  /** the anchor's visible text ('' for a bare URL in text) */
  readonly text: string
  readonly part: string
}

export interface Attachment {
  readonly part: MessagePart
  /** '' when the part has no file name */
  readonly filename: string
  readonly contentType: string
  /** after transfer decoding */
  readonly sizeBytes: number
  bytes(): Buffer
}

export interface HtmlPart {
  readonly part: string
  /** as the part's text: it may keep the message's CRLFs, which HTML reads as white space */
  readonly html: string
  readonly crlfs: number
  /** the visible text (htmlToText) */
  readonly text: string
  /** <img> tags (readHtml) */
  readonly imageCount: number
}

/** The lists of data/content-rules/wording.toml, as ContentRules names them. */
export type WordingList = 'urgent' | 'optOut' | 'advertising' | 'contact'

export interface MessageFacts {
  readonly message: ReadMessage
  readonly fields: readonly HeaderField[]
  /** every field of a name (lower case) in the top-level header */
  all(lower: string): readonly HeaderField[]
  readonly from: readonly Mailbox[]
  /** decoded Subject; '' when none */
  readonly subject: string
  readonly textParts: readonly TextPart[]
  /** subject and every text part as visible text, lower-cased; made on first call (few checks need it) */
  visibleText(): string
  /**
   * the phrases of a wording list (data/content-rules/wording.toml) found in the subject and in
   * the first and last WORDING_WINDOW_CHARS of the visible text. In ASCII text the urgent list
   * is scanned alone and the others together on first call (only bulk and advertising mail asks
   * for them); other text (Japanese) is read once for every list, by the automaton, and the set
   * then holds every list's phrases
   */
  phrases(list: WordingList): ReadonlySet<string>
  readonly htmlParts: readonly HtmlPart[]
  readonly links: readonly Link[]
  readonly attachments: readonly Attachment[]
  /** hiragana, katakana or kanji anywhere in the subject or text */
  readonly hasJapanese: boolean
}

export function gatherFacts(message: ReadMessage, rules: ContentRules): MessageFacts {
  const fields = message.root.fields
  // the fields by name, gathered once: a dozen checks ask for one name or another
  const byName = new Map<string, HeaderField[]>()
  for (const field of fields) {
    const named = byName.get(field.lower)
    if (named === undefined) byName.set(field.lower, [field])
    else named.push(field)
  }
  const all = (lower: string): readonly HeaderField[] => byName.get(lower) ?? NO_FIELDS
  const fromField = all('from')[0]
  const from = fromField === undefined ? [] : parseMailboxList(fromField.value)
  const subjectField = all('subject')[0]
  const subject = subjectField === undefined ? '' : decodeEncodedWords(subjectField.value.replace(/\s*\n\s*/g, ' ')).trim()

  const textParts: TextPart[] = []
  const attachments: Attachment[] = []
  for (const part of leavesOf(message.root)) {
    const isNamed = part.filename !== undefined || part.disposition === 'attachment'
    const kind = part.contentType === 'text/html' ? 'html' : part.contentType === 'text/plain' ? 'plain' : undefined
    if (kind !== undefined && !isNamed) {
      textParts.push(readTextPart(message, part, kind))
      continue
    }
    if (part.contentType.startsWith('text/') && !isNamed) continue
    const body = () => transferText(message, part, Infinity)
    const length = bodyLength(message, part)
    const sizeBytes = part.transferEncoding === 'base64' ? Math.floor(length * 3 / 4 * 76 / 78) : length
    attachments.push({ part, filename: part.filename ?? '', contentType: part.contentType, sizeBytes, bytes: () => transferBytes(body(), part.transferEncoding) })
  }

  const htmlParts: HtmlPart[] = []
  // the subject, then each part's visible text as scanned (a plain part's may keep CRLFs)
  const texts: ScanText[] = [{ text: subject, crlfs: 0 }]
  // the HTML parts' anchors first, in order, then the plain parts' bare URLs
  const links: Link[] = []
  for (const textPart of textParts) {
    if (textPart.text === undefined) continue
    if (textPart.kind === 'html') {
      // HTML reads a CRLF as the white space a LF is: the same visible text, anchors and images
      const { text: html, crlfs } = textPart
      const part = textPart.part.path
      const { text, imageCount, anchorsFrom } = readHtml(html, crlfs !== 0)
      htmlParts.push({ part, html, crlfs, text, imageCount })
      texts.push({ text, crlfs: 0 })
      for (const anchor of anchorsOf(html, anchorsFrom)) {
        if (links.length >= MAX_LINKS) break
        const href = HREF.exec(anchor.attributes)
        if (href !== null) links.push({ href: decodeEntities(lfOf({ text: href[1] ?? href[2] ?? href[3] ?? '', crlfs })).trim(), text: htmlToText(anchor.content).trim(), part })
      }
    } else texts.push({ text: textPart.text, crlfs: textPart.crlfs, start: textPart.part.bodyStart })
  }
  // The whole visible text, lower-cased, is only needed by some checks (advertising mail, Japanese
  // text): made when first asked for, not on every message at injection.
  let visibleText: string | undefined
  const visibleTextOf = () => visibleText ??= texts.map(lfOf).join('\n').toLowerCase()
  // the window is cut once, and each finder reads it when a check first asks
  let window: WordingWindow | undefined
  let urgent: Set<string> | undefined
  let others: Set<string> | undefined
  const phrases = (list: WordingList): ReadonlySet<string> => {
    window ??= wordingWindow(message, texts, textParts, visibleTextOf)
    if (!window.isAscii) return urgent ??= others ??= rules.findAll(window.texts[0])
    return list === 'urgent' ? urgent ??= phrasesInPieces(rules.findUrgent, window.texts) : others ??= phrasesInPieces(rules.findOthers, window.texts)
  }
  for (const textPart of textParts) {
    // a URL ends at white space: a CR ends it as a LF would
    if (textPart.kind !== 'plain' || textPart.text === undefined || !textPart.text.includes('://')) continue
    for (const href of bareUrls(textPart.text, MAX_LINKS - links.length)) links.push({ href, text: '', part: textPart.part.path })
  }
  return {
    message, fields, all, from, subject, textParts, phrases, htmlParts, links, attachments,
    visibleText: visibleTextOf,
    hasJapanese: !textParts.every((part) => !part.hasHighBytes && !part.charset?.startsWith('iso-2022')) || !isAsciiString(subject) ? JAPANESE.test(visibleTextOf()) : false,
  }
}

/**
 * The window as wordingWindow cuts it: one lower-cased text, or (isAscii) pieces that the
 * finder's ASCII scan reads as lower-cased, as if a line end stood between them. Scanned where
 * they stand (slices of the message or of the HTML's text), they are not copied into one string:
 * 6 KB written to memory the lint thread finds cold in the server, on every message.
 */
interface WordingWindow {
  readonly texts: readonly string[]
  readonly isAscii: boolean
}

/**
 * What the wording scan reads: the lower-cased subject, then the first and last
 * WORDING_WINDOW_CHARS of the rest of the visible text. When every text is ASCII (lower-casing
 * keeps lengths and needs no context) the window is cut first and the finder's ASCII scan
 * reads it as lower-cased — the same string, without joining and lower-casing the whole text.
 */
function wordingWindow(message: ReadMessage, texts: readonly ScanText[], textParts: readonly TextPart[], visibleTextOf: () => string): WordingWindow {
  const subject = texts[0].text
  const isAscii = isAsciiString(subject) && textParts.every((part) => part.text === undefined
    || (!part.hasHighBytes && part.charset !== 'iso-2022-jp' && part.charset !== 'utf-7' && (part.kind === 'plain' || !part.text.includes('&'))))
  if (!isAscii) {
    const visible = visibleTextOf()
    const body = visible.slice(subject.length)
    const window = body.length <= 2 * WORDING_WINDOW_CHARS ? body : `${body.slice(0, WORDING_WINDOW_CHARS)}\n${body.slice(-WORDING_WINDOW_CHARS)}`
    return { texts: [`${subject.toLowerCase()}\n${window}`], isAscii }
  }
  // The rest of the visible text is '\n' + texts[1] + '\n' + texts[2]…, its window counted in
  // characters of LF text. A CR left in it is in no phrase, and no phrase holds a line end: the
  // scan finds the same phrases.
  const pieces: ScanText[] = []
  for (let index = 1; index < texts.length; index++) pieces.push(NEW_LINE, texts[index])
  let length = 0
  for (const piece of pieces) length += piece.text.length - piece.crlfs
  if (length <= 2 * WORDING_WINDOW_CHARS) return { texts: texts.map((piece) => piece.text), isAscii }
  // a head or tail within one text is a slice of it; one across texts is joined by `+`
  return { texts: [subject, headOf(message, pieces, WORDING_WINDOW_CHARS), tailOf(message, pieces, WORDING_WINDOW_CHARS)], isAscii }
}

/**
 * The phrases in ASCII pieces read as lower-cased, one by one: no phrase holds a line end, so
 * none spans two, and each piece's phrases are those the joined window holds there.
 */
function phrasesInPieces(finder: PhraseFinder, pieces: readonly string[]): Set<string> {
  let found: Set<string> | undefined
  for (const text of pieces) {
    const inText = finder.inLowerCasedAscii(text)
    if (inText.size === 0) continue
    if (found === undefined) found = inText
    else for (const phrase of inText) found.add(phrase)
  }
  return found ?? new Set()
}

/** A text as scanned, and how many CRLFs it holds (each one character of the LF text). */
interface ScanText {
  readonly text: string
  readonly crlfs: number
  /** where a text holding CRLFs starts in the message's text (a part's body): its lines are the message's */
  readonly start?: number
}

const NEW_LINE: ScanText = { text: '\n', crlfs: 0 }

/** A part's text with LF line ends. */
export function lfText(part: TextPart): string | undefined {
  return part.text === undefined ? undefined : lfOf({ text: part.text, crlfs: part.crlfs })
}

/** The text with LF line ends. */
function lfOf(piece: ScanText): string {
  return piece.crlfs === 0 || !piece.text.includes('\r') ? piece.text : piece.text.replace(/\r\n/g, '\n')
}

/** The first `count` characters of the pieces joined (as LF text), without joining them all. */
function headOf(message: ReadMessage, pieces: readonly ScanText[], count: number): string {
  let head = ''
  let length = 0
  for (const piece of pieces) {
    const lfLength = piece.text.length - piece.crlfs
    if (length + lfLength >= count) return head + piece.text.slice(0, indexOfLf(message, piece, count - length))
    head += piece.text
    length += lfLength
  }
  return head
}

/** The last `count` characters of the pieces joined (as LF text), without joining them all. */
function tailOf(message: ReadMessage, pieces: readonly ScanText[], count: number): string {
  let tail = ''
  let length = 0
  for (let index = pieces.length - 1; index >= 0; index--) {
    const piece = pieces[index]
    const lfLength = piece.text.length - piece.crlfs
    if (length + lfLength >= count) return piece.text.slice(indexOfLf(message, piece, lfLength - (count - length))) + tail
    tail = piece.text + tail
    length += lfLength
  }
  return tail
}

/**
 * Where character `offset` of a piece as LF text is in the piece: one further per line end
 * before it. The piece's lines are the message's, so the line ends before it are found by a
 * binary search of their starts rather than by reading them. An offset at a line end is at its CR.
 */
function indexOfLf(message: ReadMessage, piece: ScanText, offset: number): number {
  if (piece.crlfs === 0 || piece.start === undefined) return offset
  const first = message.lineOf(piece.start)
  // line first + j starts j line ends into the piece, at character lineStart - start - j of the LF text
  let low = 0
  let high = piece.crlfs
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (message.lineStart(first + mid) - piece.start - mid <= offset) low = mid
    else high = mid - 1
  }
  return offset + low
}

const NO_FIELDS: readonly HeaderField[] = []

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/i
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/

function readTextPart(message: ReadMessage, part: MessagePart, kind: 'plain' | 'html'): TextPart {
  const declared = part.params.charset === undefined || part.params.charset === '' ? undefined : normalizeCharset(part.params.charset)
  // ISO-2022-JP is 7-bit: its escape sequences are how it says it is Japanese, charset or not
  const charset = declared ?? 'us-ascii'
  // 7-bit text reads the same in every charset we know but ISO-2022-JP and UTF-7 (escapes and shifts)
  const asciiReadsAsIs = charset !== 'iso-2022-jp' && charset !== 'utf-7' && isKnownCharset(charset)
  if (message.isAscii && asciiReadsAsIs && part.transferEncoding !== 'base64' && part.transferEncoding !== 'quoted-printable') {
    // the body's characters are its bytes and its text (what decoding it into a Buffer and reading that back gives)
    if (message.isCrlfText && part.bodyEnd - part.bodyStart <= MAX_LINT_TEXT_BYTES) {
      const text = message.text.slice(part.bodyStart, part.bodyEnd)
      const crlfs = crlfsOf(message, part)
      return { part, kind, charset: declared, text, crlfs, sizeBytes: text.length - crlfs, hasHighBytes: false, transferProblem: undefined }
    }
    // otherwise (LF text, or a CRLF body past the cap) its LF text, cut at the cap
    const body = bodyText(message, part, MAX_LINT_TEXT_BYTES * 2)
    return { part, kind, charset: declared, text: body.slice(0, MAX_LINT_TEXT_BYTES), crlfs: 0, sizeBytes: body.length, hasHighBytes: false, transferProblem: undefined }
  }
  const body = transferText(message, part, MAX_LINT_TEXT_BYTES * 2)
  const decoded = decodeTransfer(body, part.transferEncoding)
  const bytes = decoded.bytes.subarray(0, MAX_LINT_TEXT_BYTES)
  const hasHighBytes = !isAscii(bytes)
  const text = !hasHighBytes && asciiReadsAsIs
    ? bytes.toString('latin1')
    : isKnownCharset(charset) ? decodeBytes(bytes, charset) : undefined
  return {
    part, kind, charset: declared, text, crlfs: 0,
    sizeBytes: decoded.bytes.byteLength, hasHighBytes, transferProblem: decoded.problem,
  }
}

/**
 * A part's body for its transfer decoding, its first `maxChars` characters (as LF text) at most:
 * base64 skips white space, so a CRLF body under the cap is decoded as it is (a megabyte of it
 * made LF-only first cost more than its decoding); other encodings read LF text.
 */
function transferText(message: ReadMessage, part: MessagePart, maxChars: number): string {
  if (part.transferEncoding === 'base64' && part.bodyEnd - part.bodyStart <= maxChars) return message.text.slice(part.bodyStart, part.bodyEnd)
  return bodyText(message, part, maxChars)
}

function isAsciiString(text: string): boolean {
  return !/[^\x00-\x7f]/.test(text)
}

