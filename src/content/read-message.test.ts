import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { decodeBytes, decodeEncodedWords, isBase64Body } from './decode-body.ts'
import { parseParams } from './header-params.ts'
import { readMessage, type ReadMessage } from './read-message.ts'

/** The line facts of a raw message by a plain split into lines. */
function plainLineFacts(raw: string) {
  const lines = raw.split('\n')
  // a line's content ends before its LF, and before one CR ahead of that
  const contents = lines.map((line) => line.endsWith('\r') ? line.slice(0, -1) : line)
  const usesCrlf = raw.includes('\r\n')
  const bareLfLines = usesCrlf ? lines.slice(0, -1).flatMap((line, index) => line.endsWith('\r') ? [] : [index + 1]) : []
  const isCrlfText = usesCrlf && bareLfLines.length === 0
  // the header ends at the first empty line, unless the message is that one line
  const empty = contents.findIndex((content) => content === '')
  const headerLines = empty === -1 || contents.length === 1 ? contents.length : empty
  const longLines = contents.flatMap((content, index) => content.length > 998 ? [index + 1] : [])
  const text = isCrlfText || !usesCrlf ? raw : raw.replace(/\r\n/g, '\n')
  // the text has a LF for each line end of the message (a CRLF made LF is one still)
  const textLines = text.split('\n')
  return {
    text,
    isCrlfText,
    usesCrlf,
    bareLfLines,
    bareCrLines: contents.flatMap((content, index) => content.includes('\r') ? [index + 1] : []),
    longHeaderLines: longLines.filter((line) => line <= headerLines),
    longBodyLines: longLines.filter((line) => line > headerLines),
    lineStarts: textLines.map((_line, index) => textLines.slice(0, index).join('\n').length + (index === 0 ? 0 : 1)),
  }
}

/** A header block read line by line with one expression per field, from `start` to the first empty line or `end`. */
function plainHeader(message: ReadMessage, start: number, end: number) {
  const { text } = message
  const fields: { name: string; lower: string; value: string; line: number }[] = []
  const malformed: number[] = []
  let current: { name: string; lower: string; value: string; line: number } | undefined
  const lines = text.slice(start, end).split('\n')
  let offset = start
  for (const [index, line] of lines.entries()) {
    if (index === lines.length - 1 && line === '') break
    // a kept CRLF's CR is no content; the last line ends in one only when the text goes on with its LF
    const endsInLf = index < lines.length - 1 || text[end] === '\n'
    const content = message.isCrlfText && endsInLf && line.endsWith('\r') ? line.slice(0, -1) : line
    if (content === '') break
    const field = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/s.exec(content)
    if (/^[ \t]/.test(content) && current !== undefined) {
      current.value += content
    } else {
      if (current !== undefined) fields.push(current)
      current = field === null ? undefined : { name: field[1], lower: field[1].toLowerCase(), value: field[2], line: message.lineOf(offset) }
      if (current === undefined) malformed.push(message.lineOf(offset))
    }
    offset += line.length + 1
  }
  if (current !== undefined) fields.push(current)
  return { fields, malformed }
}

const LINES = [
  'From: a@example.jp', 'To : b@example.jp', 'Subject:  hello', 'X-Tab:\tvalue', ' folded on', '\tand on', 'Content-Type: text/plain; charset=utf-8',
  'no field here', ': no name', 'Na me: v', 'X\u00e9: v', 'X\x7f: v', 'X\x1f: v', 'Empty:', 'Spaces:   ', 'a\rb: c', 'X-Long: ' + 'x'.repeat(995), '', 'body',
]
const LINE_ENDS = ['\r\n', '\r\n', '\n', '\r', '\r\r\n', '']

const rawMessage = fc.array(fc.tuple(fc.constantFrom(...LINES), fc.constantFrom(...LINE_ENDS)), { maxLength: 24 })
  .map((lines) => lines.map(([line, end]) => line + end).join(''))

test('readMessage finds the line ends, bare CRs and LFs and long lines a plain split into lines finds', () => {
  fc.assert(fc.property(rawMessage, fc.boolean(), (raw, allCrlf) => {
    const message = allCrlf ? raw.replace(/\r?\n/g, '\r\n') : raw
    const reading = readMessage(Buffer.from(message, 'latin1'))
    const plain = plainLineFacts(message)
    assert.deepEqual({
      text: reading.text, isCrlfText: reading.isCrlfText, usesCrlf: reading.usesCrlf, bareLfLines: reading.bareLfLines, bareCrLines: reading.bareCrLines,
      longHeaderLines: reading.longHeaderLines, longBodyLines: reading.longBodyLines, lineStarts: plain.lineStarts.map((_start, index) => reading.lineStart(index + 1)),
    }, plain)
    for (let offset = 0; offset <= reading.text.length; offset++) {
      assert.equal(reading.lineOf(offset), plain.lineStarts.findLastIndex((start) => start <= offset) + 1)
    }
  }), { numRuns: 3000 })
})

/**
 * The line of every character of `text`, and of its end: the line ends (LFs) of the raw message
 * before the byte the character is. A CR dropped from a CRLF (the LF text of a message with mixed
 * line ends) is no character of `text`.
 */
function plainLinesOfText(raw: string, text: string): number[] {
  const lines: number[] = []
  let line = 1
  for (let at = 0; at < raw.length; at++) {
    if (!(text !== raw && raw[at] === '\r' && raw[at + 1] === '\n')) lines.push(line)
    if (raw[at] === '\n') line++
  }
  lines.push(line)
  return lines
}

// short lines, with bare CRs in them, ending in any line end: mostly mixed CRLF and LF
const mixedMessage = fc.array(fc.tuple(
  fc.array(fc.constantFrom('a', 'b', ':', ' ', '\r'), { maxLength: 6 }).map((chars) => chars.join('')),
  fc.constantFrom('\r\n', '\n', '\r\r\n', '\r', ''),
), { maxLength: 30 }).map((lines) => lines.map(([line, end]) => line + end).join(''))

test('lineOf gives every offset of the text the line of its byte in the message, and lineStart the first offset of each line', () => {
  fc.assert(fc.property(fc.oneof(mixedMessage, rawMessage), (raw) => {
    const reading = readMessage(Buffer.from(raw, 'latin1'))
    const lines = plainLinesOfText(raw, reading.text)
    assert.equal(lines.length, reading.text.length + 1)
    for (let offset = 0; offset <= reading.text.length; offset++) assert.equal(reading.lineOf(offset), lines[offset], `offset ${offset}`)
    for (let line = 1; line <= lines[lines.length - 1]; line++) {
      assert.equal(reading.lineStart(line), lines.indexOf(line), `line ${line}`)
      assert.equal(reading.lineOf(reading.lineStart(line)), line)
    }
  }), { numRuns: 3000 })
})

test('readMessage reads the header fields a line-by-line reading finds, at the top and in a part', () => {
  fc.assert(fc.property(rawMessage, fc.constantFrom('\r\n', '\n'), (header, lineEnd) => {
    const top = readMessage(Buffer.from(header, 'latin1'))
    const plainTop = plainHeader(top, 0, top.text.length)
    assert.deepEqual(top.root.fields, plainTop.fields)
    assert.deepEqual(top.issues.filter((issue) => issue.kind === 'malformed-field').map((issue) => issue.line), plainTop.malformed)

    // the same lines as the header of a part, which ends where its delimiter line starts
    const opening = `Content-Type: multipart/mixed; boundary=b${lineEnd}${lineEnd}--b${lineEnd}`
    const nested = readMessage(Buffer.from(`${opening}${header}${lineEnd}--b--${lineEnd}`, 'latin1'))
    const start = nested.text.indexOf(`--b${nested.isCrlfText ? '\r\n' : '\n'}`) + (nested.isCrlfText ? 5 : 4)
    const end = nested.text.lastIndexOf('--b--') - (nested.isCrlfText ? 2 : 1)
    const part = nested.root.parts[0]
    if (part === undefined || end < start) return
    const plainPart = plainHeader(nested, start, end)
    assert.deepEqual(part.fields, plainPart.fields)
    assert.deepEqual(nested.issues.filter((issue) => issue.kind === 'malformed-field' && issue.part === '1').map((issue) => issue.line), plainPart.malformed)
  }), { numRuns: 3000 })
})

/** parseParams as it read every value before its one-parameter shortcut: each parameter matched in turn. */
function parseParamsMatchByMatch(field: string | undefined) {
  if (field === undefined) return { value: '', params: {} }
  const semicolon = field.indexOf(';')
  const head = semicolon === -1 ? field : field.slice(0, semicolon)
  const value = (head.includes('(') ? head.replace(/\([^)]*\)/g, '') : head).trim().toLowerCase()
  const params: Record<string, string> = {}
  if (semicolon === -1) return { value, params }
  const pieces: Record<string, { index: number; text: string; encoded: boolean }[]> = {}
  for (const match of field.slice(semicolon).matchAll(/;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    let name = match[1].toLowerCase()
    let raw = match[2].trim()
    if (raw.startsWith('"')) raw = raw.slice(1, -1).replace(/\\(.)/g, '$1')
    const continued = /^(.+?)\*(\d+)(\*?)$/.exec(name)
    if (continued !== null) {
      ;(pieces[continued[1]] ??= []).push({ index: Number(continued[2]), text: raw, encoded: continued[3] === '*' })
    } else if (name.endsWith('*')) {
      name = name.slice(0, -1)
      params[name] = decodeExtended(raw)
    } else if (!(name in params)) {
      params[name] = raw.includes('=?') ? decodeEncodedWords(raw) : raw
    }
  }
  for (const [name, list] of Object.entries(pieces)) {
    list.sort((a, b) => a.index - b.index)
    const joined = list.map((piece, index) => piece.encoded ? (index === 0 ? piece.text : `''${piece.text}`) : piece.text)
    params[name] = list[0].encoded ? decodeExtended(joined[0] + list.slice(1).map((piece) => piece.text).join('')) : joined.join('')
  }
  return { value, params }
}

function decodeExtended(raw: string): string {
  const match = /^([^']*)'[^']*'(.*)$/s.exec(raw)
  if (match === null) return raw
  const bytes = Buffer.from(match[2].replace(/%([0-9a-f]{2})/gi, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
  return decodeBytes(bytes, match[1] || 'us-ascii') ?? bytes.toString('latin1')
}

const PARAM_PIECES = [
  'text/plain', 'Multipart/Alternative', '(comment)', '; ', ';', ' ', '\t', '\u00a0', 'charset', 'CHARSET', 'boundary', 'name', 'constructor', '__proto__',
  'filename*', 'filename*0', 'filename*1*', '=', '"', '\\', 'utf-8', "utf-8''%E3%81%82", '=?utf-8?B?44GC?=', 'a b', '"a;b"', '"a\\"b"', '--_NmP-b1-Part_1',
]

test('parseParams reads what matching parameter by parameter reads, for any value', () => {
  fc.assert(fc.property(fc.option(fc.array(fc.constantFrom(...PARAM_PIECES), { maxLength: 12 }), { nil: undefined }), (pieces) => {
    const field = pieces?.join('')
    assert.deepEqual(parseParams(field), parseParamsMatchByMatch(field))
  }), { numRuns: 10000 })
})

test('parseParams reads the common one-parameter values', () => {
  assert.deepEqual(parseParams('text/plain; charset=utf-8'), { value: 'text/plain', params: { charset: 'utf-8' } })
  assert.deepEqual(parseParams('multipart/alternative; boundary="--_NmP-b1-Part_1"'), { value: 'multipart/alternative', params: { boundary: '--_NmP-b1-Part_1' } })
  assert.deepEqual(parseParams('text/plain; constructor=x'), { value: 'text/plain', params: {} })
})

/** The base64 body rule as a regex (RFC 2045 §6.8: the alphabet and white space, padding at the end), the reference isBase64Body answers for. */
const BASE64_RULE = /^[A-Za-z0-9+/\s]*={0,2}\s*$/
const BASE64_PIECES = ['QUJD', 'QUI=', 'QQ==', 'A', '+', '/', '=', '==', '===', ' ', '\t', '\r\n', '\n', '\x0b', '\xa0', '-', '*', '\u3000']

test('isBase64Body takes exactly the bodies the base64 rule takes', () => {
  fc.assert(fc.property(fc.oneof(fc.array(fc.constantFrom(...BASE64_PIECES), { maxLength: 30 }).map((pieces) => pieces.join('')), fc.string({ maxLength: 40 })), (text) => {
    assert.equal(isBase64Body(text), BASE64_RULE.test(text), JSON.stringify(text))
  }), { numRuns: 3000 })
  assert.equal(isBase64Body('QUJD\r\nQUI=\r\n'), true)
  // atob takes padding split by a line end ("QQ=" then "="); the rule does not
  assert.equal(atob('QQ=\r\n='), 'A')
  assert.equal(isBase64Body('QQ=\r\n='), false)
  assert.equal(isBase64Body('QU=\r\nJD'), false)
  assert.equal(isBase64Body('QUJD!'), false)
})
