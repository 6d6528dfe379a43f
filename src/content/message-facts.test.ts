import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { decodeEntities } from './html-entities.ts'
import { htmlToText } from './html-text.ts'
import { gatherFacts, lfText } from './message-facts.ts'
import { readMessage } from './read-message.ts'
import { defaultContentRules } from './rules.ts'

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

/** The anchors' links as the single pattern that gatherFacts' walk stands for gives them. */
function linksByPattern(html: string): { href: string; text: string }[] {
  const links: { href: string; text: string }[] = []
  for (const match of html.matchAll(/<a\b([^>]*)>([\s\S]{0,2000}?)<\/a\s*>/gi)) {
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/i.exec(match[1])
    if (href !== null) links.push({ href: decodeEntities(href[1] ?? href[2] ?? href[3] ?? '').trim(), text: htmlToText(match[2]).trim() })
  }
  return links
}

const ANCHOR_PIECES = ['<a', '<A ', ' href="x"', " href='y&amp;z'", '>', '</a>', '</A >', '</a', '</abbr>', 'text', ' ', '\n', '<p>', 'İ', '<a\n', 'x'.repeat(700), 'y'.repeat(1500)]

test('gatherFacts finds the anchors the anchor pattern finds, for any HTML', () => {
  const rules = defaultContentRules()
  fc.assert(fc.property(fc.array(fc.constantFrom(...ANCHOR_PIECES), { maxLength: 40 }), (pieces) => {
    const html = pieces.join('')
    const facts = gatherFacts(readMessage(Buffer.from(`From: a@example.jp\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`)), rules)
    assert.deepEqual(facts.links.map(({ href, text }) => ({ href, text })), linksByPattern(html))
    // all CRLF, as the message keeps it (the HTML read as CRLF text): an href's line ends read as LFs
    const crlfHtml = html.replace(/\r?\n/g, '\r\n')
    const crlfFacts = gatherFacts(readMessage(Buffer.from(`From: a@example.jp\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${crlfHtml}`)), rules)
    assert.deepEqual(crlfFacts.links.map(({ href, text }) => ({ href, text })), linksByPattern(crlfHtml).map(({ href, text }) => ({ href: href.replace(/\r\n/g, '\n'), text })))
  }), { numRuns: 3000 })
})

test('unclosed <style>, <!--, <a and </a-less anchors are read in linear time (20,000 of them took 0.2–3.5 s before; 250,000, up to minutes)', () => {
  const rules = defaultContentRules()
  for (const unit of ['<style>', '<head><script>', '<!--', '<a ', '<a>', '<a href="x">']) {
    const started = performance.now()
    gatherFacts(readMessage(Buffer.from(`From: a@example.jp\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${unit.repeat(250_000)}`)), rules)
    const ms = performance.now() - started
    assert.ok(ms < 3000, `${JSON.stringify(unit)} × 250,000 took ${Math.round(ms)} ms`)
  }
})

test('an ASCII message\'s text parts read as they do once a byte past 0x7f elsewhere sends them through their bytes', () => {
  const rules = defaultContentRules()
  const charset = fc.constantFrom('', '; charset=us-ascii', '; charset=utf-8', '; charset=iso-2022-jp', '; charset=utf-7', '; charset=shift_jis', '; charset=x-unknown')
  const encoding = fc.constantFrom('', 'Content-Transfer-Encoding: 7bit\r\n', 'Content-Transfer-Encoding: 8BIT\r\n', 'Content-Transfer-Encoding: binary\r\n', 'Content-Transfer-Encoding: x-foo\r\n')
  const body = fc.array(fc.constantFrom('a', 'Unsubscribe', ' ', '\r\n', '\n', '\r', '=3D', '+ACI-', '\x1b$B', '&amp;', '<p>'), { maxLength: 30 }).map((pieces) => pieces.join(''))
  // a part's text may keep the message's CRLFs: as LF text, it is what the bytes give
  const textParts = (raw: string) => gatherFacts(readMessage(Buffer.from(raw, 'latin1')), rules).textParts
    .map((textPart) => ({ ...textPart, part: textPart.part.path, crlfs: undefined, text: lfText(textPart) }))
  fc.assert(fc.property(fc.constantFrom('plain', 'html'), charset, encoding, body, (kind, charset, encoding, body) => {
    const raw = `From: a@example.jp\r\nSubject: x\r\nContent-Type: text/${kind}${charset}\r\n${encoding}\r\n${body}`
    assert.ok(readMessage(Buffer.from(raw, 'latin1')).isAscii)
    assert.deepEqual(textParts(raw), textParts(`X-Note: caf\xe9\r\n${raw}`))
  }), { numRuns: 2000 })
})

test('each wording list\'s phrases are found: an urgent phrase beside an opt-out one, in English (a scan per list) and Japanese (one for all)', () => {
  const rules = defaultContentRules()
  for (const [body, isAscii] of [
    ['Your account has been suspended. To stop receiving these messages, unsubscribe here.', true],
    ['アカウントが停止されました。配信停止はこちら。', false],
  ] as const) {
    const facts = gatherFacts(readMessage(Buffer.from(`From: a@example.jp\r\nSubject: notice\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`)), rules)
    const urgent = rules.urgent.filter((phrase) => facts.phrases('urgent').has(phrase))
    const optOut = rules.optOut.filter((phrase) => facts.phrases('optOut').has(phrase))
    assert.ok(urgent.length > 0 && optOut.length > 0, `urgent ${urgent.join(', ')}; opt-out ${optOut.join(', ')} in ${body}`)
    // English: the urgent scan reads the urgent list alone
    if (isAscii) assert.ok([...facts.phrases('urgent')].every((phrase) => rules.urgent.includes(phrase)), 'the urgent scan holds urgent phrases only')
  }
})
