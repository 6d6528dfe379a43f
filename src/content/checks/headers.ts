// RFC 5322 conformance of the top-level header and of line ends and lengths.
import { checkEncodedWords } from '../decode-body.ts'
import type { Hit } from '../finding.ts'
import type { MessageFacts } from '../message-facts.ts'
import type { CheckContext } from './check.ts'

/** RFC 5322 §3.6: fields that may occur at most once (the brief's list: those receivers enforce). */
const SINGLETONS = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id']

const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec'
/** RFC 5322 §3.3 date-time, with the obsolete zones of §4.3 (UT, GMT, EST…, military letters). */
const DATE_TIME = new RegExp(`^(?:(?:mon|tue|wed|thu|fri|sat|sun)\\s*,\\s*)?(\\d{1,2})\\s+(?:${MONTHS})\\s+(\\d{2}|\\d{4})\\s+(\\d{1,2})\\s*:\\s*(\\d{2})(?:\\s*:\\s*(\\d{2}))?\\s+(?:[+-]\\d{4}|ut|gmt|[ecmp][sd]t|[a-ik-z])$`, 'i')
/** RFC 5322 §3.6.4 msg-id, loosely (id-left and id-right without angle brackets, space or a second @). */
const MSG_ID = /^<[^<>\s@]+@[^<>\s@]+>$/

export function checkHeaders(facts: MessageFacts, context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const shown = (value: string) => value.length > 80 ? `${value.slice(0, 77)}...` : value

  const from = facts.all('from')
  if (from.length === 0) hits.push({ id: 'header.from-missing', where: { header: 'From' } })
  else if (facts.from.length === 0) hits.push({ id: 'header.from-invalid', where: { header: 'From', line: from[0].line }, vars: { value: shown(from[0].value) } })

  const date = facts.all('date')
  if (date.length === 0) hits.push({ id: 'header.date-missing', where: { header: 'Date' } })
  else if (!isDateTime(date[0].value)) hits.push({ id: 'header.date-invalid', where: { header: 'Date', line: date[0].line }, vars: { value: shown(date[0].value) } })

  const messageId = facts.all('message-id')
  if (messageId.length === 0) hits.push({ id: 'header.message-id-missing', where: { header: 'Message-ID' } })
  else if (!MSG_ID.test(withoutComments(messageId[0].value))) {
    hits.push({ id: 'header.message-id-invalid', where: { header: 'Message-ID', line: messageId[0].line }, vars: { value: shown(messageId[0].value) } })
  }

  for (const name of SINGLETONS) {
    const found = facts.all(name)
    if (found.length > 1) hits.push({ id: 'header.duplicate', where: { header: found[0].name, line: found[1].line }, vars: { header: found[0].name, count: found.length } })
  }

  for (const field of facts.fields) {
    if (/[\x80-\xff]/.test(field.value) && !(context.options.smtpUtf8 === true && isUtf8(field.value))) {
      hits.push({ id: 'header.raw-8bit', where: { header: field.name, line: field.line }, vars: { header: field.name } })
    }
    for (const problem of checkEncodedWords(field.value)) {
      hits.push({ id: 'header.encoded-word-invalid', where: { header: field.name, line: field.line }, vars: { header: field.name, word: problem.word, problem: problem.problem } })
    }
  }

  const message = facts.message
  for (const issue of message.issues) {
    if (issue.kind === 'malformed-field') {
      hits.push({ id: 'header.malformed-field', where: { part: issue.part, line: issue.line }, vars: { line: issue.line, value: issue.detail ?? '' } })
    }
  }
  for (const line of message.longHeaderLines) hits.push({ id: 'header.line-too-long', where: { line }, vars: { line } })
  for (const line of message.longBodyLines) hits.push({ id: 'line.body-too-long', where: { line }, vars: { line } })
  for (const line of message.bareCrLines) hits.push({ id: 'line.bare-cr-lf', where: { line }, vars: { line, kind: 'CR' } })
  for (const line of message.bareLfLines) hits.push({ id: 'line.bare-cr-lf', where: { line }, vars: { line, kind: 'LF' } })
  return hits
}

function withoutComments(value: string): string {
  let text = value
  for (let round = 0; round < 4 && text.includes('('); round++) text = text.replace(/\((?:[^()\\]|\\.)*\)/g, ' ')
  return text.replace(/\s+/g, ' ').trim()
}

export function isDateTime(value: string): boolean {
  // the pattern reads any run of white space where the text has one: only comments need taking out
  const match = DATE_TIME.exec(value.includes('(') ? withoutComments(value) : value.trim())
  if (match === null) return false
  const [, day, , hour, minute, second] = match
  return Number(day) >= 1 && Number(day) <= 31 && Number(hour) <= 23 && Number(minute) <= 59 && (second === undefined || Number(second) <= 60)
}

function isUtf8(latin1: string): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'))
    return true
  } catch {
    return false
  }
}
