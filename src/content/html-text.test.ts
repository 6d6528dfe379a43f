import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { decodeEntities } from './html-entities.ts'
import { anchorsOf, readHtml } from './html-text.ts'

/**
 * readHtml as the plain replacements and the patterns it stands for, each over the whole text;
 * where the first anchor is when one walk reads the HTML (no head, style, script or comment), 0 otherwise.
 */
function readHtmlByPatterns(html: string): { text: string; imageCount: number; anchorsFrom: number } {
  const text = decodeEntities(html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' '))
    .replace(/[ \t\r\n\u00a0]+/g, ' ')
  const firstAnchor = html.search(/<a\b/i)
  const anchorsFrom = /<(?:head|style|script)\b|<!--/i.test(html) ? 0 : firstAnchor === -1 ? html.length : firstAnchor
  return { text, imageCount: html.match(/<img\b/gi)?.length ?? 0, anchorsFrom }
}

/** readHtml of the HTML, and of it with every line end a CRLF, read as CRLF text (no LF looked for), are what the patterns give. */
function assertReadsAsPatterns(html: string): void {
  assert.deepEqual({ ...readHtml(html) }, readHtmlByPatterns(html))
  const crlfHtml = html.replace(/\r?\n/g, '\r\n')
  assert.deepEqual({ ...readHtml(crlfHtml, true) }, readHtmlByPatterns(crlfHtml))
}

// what the walk stops at (a '<' in and after tags, white space of each kind, runs of spaces), text
// between tags short enough to read character by character and long enough to search, and
// the names it reads after a '<', with the letters that fold to ASCII only under Unicode rules (ı ſ K)
const PIECES = [
  '<', '>', ' ', '  ', '   ', '\n', '\r\n', '\r', '\t', '\u00a0', '\u3000', 'a', 'ok.', '配信', '&', ';', '&nbsp;', '&#10;', '&amp;',
  '<b>', '</p >', '<br>\n', '<p title="<img src=x>">', '<p title=\'a > b\'>', '<!--', '-->', '<!-', '<!DOCTYPE html>',
  '<img src="x">', '<IMG', '<img/>', '<imgs>', '<img_x>', '<ımg>', '<img\n', '<Img1>',
  '<head>', '</head>', '<HEAD ', '<header>', '<style>', '</style>', '<ſtyle>', '<script>', '</script >', '<scripts>', '<ſcript>',
  '<a href="x">', '<A>', '<a\n', '</a>', '<abbr>', '<a_b>', 'K', 'Lorem ipsum dolor sit amet, consectetur adipiscing', 'x'.repeat(40),
]

test('readHtml gives the text and image count the patterns give, for any HTML', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
    assertReadsAsPatterns(pieces.join(''))
  }), { numRuns: 20000 })
})

test('readHtml gives what the patterns give on HTML with no head, style, script or comment (read in one walk)', () => {
  const plain = PIECES.filter((piece) => !/<(?:head|style|script)\b|<!--/i.test(piece))
  fc.assert(fc.property(fc.array(fc.constantFrom(...plain), { maxLength: 40 }), (pieces) => {
    assertReadsAsPatterns(pieces.join(''))
  }), { numRuns: 20000 })
})

test('readHtml joins tags and white space of any kind and length around them, leaving a lone space alone', () => {
  const html = '<p>Hello,  world.<br>\r\n \t<img src="a.png"> <IMG>\u00a0 see <b>this</b> </p>'
  assert.deepEqual({ ...readHtml(html) }, { text: ' Hello, world. see this ', imageCount: 2, anchorsFrom: html.length })
})

test('readHtml tells where the first anchor is, after an image and text', () => {
  assert.equal(readHtml('<p><img src="a.png">Hi <A href="x">there</a> <a>').anchorsFrom, 23)
})

test('readHtml counts images in comments, styles and attribute values, as the pattern did', () => {
  assert.deepEqual({ ...readHtml('<!-- <img> --><style><img></style><p title="<img src=x">x') }, { text: ' x', imageCount: 3, anchorsFrom: 0 })
})

/** decodeEntities as the single replacement it stands for. */
function decodeEntitiesByPattern(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', yen: '¥' }
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity, body: string) => {
    if (body[0] !== '#') return named[body.toLowerCase()] ?? entity
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
  })
}

test('decodeEntities decodes what the entity pattern finds, and only that, for any text', () => {
  const pieces = ['&', '#', 'x', 'X', '0', '9', 'a', 'F', 'g', ';', '&amp;', 'AMP', 'nbsp', 'Copy', 'abcdefgh', 'abcdefghi', '1234567',
    '12345678', '10FFFF', '110000', '00', ' ', '&#', '&#x', '\u017f', '\u212a', 'İ', '配信', 'valueof', '__proto__']
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (pieces) => {
    const text = pieces.join('')
    assert.equal(decodeEntities(text), decodeEntitiesByPattern(text))
  }), { numRuns: 20000 })
})

/** The anchors as the single pattern that anchorsOf stands for finds them. */
function anchorsByPattern(html: string): { attributes: string; content: string }[] {
  return [...html.matchAll(/<a\b([^>]*)>([\s\S]{0,2000}?)<\/a\s*>/gi)].map((match) => ({ attributes: match[1], content: match[2] }))
}

test('anchorsOf finds the anchors the pattern finds, the first one after many other tags too', () => {
  const pieces = ['<a', '<A ', '<abbr>', '<ab', '<p>', '<br>', ' href="x"', '>', '</a>', '</A >', '</a', '</abbr>', '</', 'text', ' ', '\n', 'ı', '<ı>']
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (pieces) => {
    const html = pieces.join('')
    assert.deepEqual([...anchorsOf(html)].map((anchor) => ({ ...anchor })), anchorsByPattern(html))
    assert.deepEqual([...anchorsOf(html, readHtml(html).anchorsFrom)].map((anchor) => ({ ...anchor })), anchorsByPattern(html))
  }), { numRuns: 5000 })
})

test('anchorsOf stays linear on end tags that never close and on anchors that never end (250,000 of each)', () => {
  for (const html of [`<a>${'</ab '.repeat(250_000)}`, '<a>'.repeat(250_000), `${'<a '.repeat(250_000)}>`]) {
    const started = performance.now()
    for (const anchor of anchorsOf(html)) assert.ok(anchor.content.length <= 2000)
    const ms = performance.now() - started
    assert.ok(ms < 2000, `${html.slice(0, 8)}… took ${Math.round(ms)} ms`)
  }
})

test('readHtml stays linear on what makes a walk go back or stop often (a million characters of each)', () => {
  for (const unit of ['<', '<p ', ' <', '  ', ' x', '<b>  ', '\n<!', '<p title="<img', '<img', '<br>\n', '<a ', '\r', '\u00a0 ', '<style', '<!--', `${'x'.repeat(40)}\t`, `${'x'.repeat(40)}<b>`, `${'x'.repeat(40)}<`]) {
    const started = performance.now()
    const html = `<p>x</p>${unit.repeat(Math.ceil(1_000_000 / unit.length))}`
    readHtml(html)
    readHtml(html.replace(/\r?\n/g, '\r\n'), true)
    const ms = performance.now() - started
    assert.ok(ms < 2000, `${JSON.stringify(unit)} to a million characters took ${Math.round(ms)} ms`)
  }
})
