// Hand-written scanners for the numbers in an SMTP reply: the basic reply code (RFC 5321 §4.2)
// and the enhanced status code (RFC 3463 / RFC 2034). No regexes: these run on every reply.

/** The basic reply code and enhanced status a reply or diagnostic text carries ('' when absent). */
export interface ReplyNumbers {
  readonly replyCode: string
  readonly status: string
}

const ZERO = 48
const NINE = 57

function isDigit(unit: number): boolean {
  return unit >= ZERO && unit <= NINE
}

function isWordish(unit: number): boolean {
  // digits, ASCII letters, '.', '#', '_', '/', '=', '$': a number touching these is part of
  // something else ("IB508", "4.16.55.1", "SIZE=2022", "#102").
  return isDigit(unit) || (unit >= 65 && unit <= 90) || (unit >= 97 && unit <= 122) ||
    unit === 46 || unit === 35 || unit === 95 || unit === 47 || unit === 61 || unit === 36
}

function isSeparator(unit: number): boolean {
  return unit === 32 || unit === 45 || unit === 9 || unit === 10 || unit === 13
}

/** Whether text[at..at+3] is a reply code followed by a separator or the end. */
function isCodeAt(text: string, at: number): boolean {
  const first = text.charCodeAt(at)
  if (first < 50 || first > 53) return false // '2'..'5'
  if (!isDigit(text.charCodeAt(at + 1)) || !isDigit(text.charCodeAt(at + 2))) return false
  return at + 3 === text.length || isSeparator(text.charCodeAt(at + 3))
}

/** Length of an enhanced status starting at `at` ("5.7.26"), or 0. Subjects run 0–7 (RFC 3463 §3). */
function statusLengthAt(text: string, at: number): number {
  const first = text.charCodeAt(at)
  if (first !== 50 && first !== 52 && first !== 53) return 0 // '2', '4', '5'
  if (text.charCodeAt(at + 1) !== 46) return 0
  const subject = text.charCodeAt(at + 2)
  if (subject < ZERO || subject > 55 || text.charCodeAt(at + 3) !== 46) return 0
  let end = at + 4
  while (end < text.length && end - (at + 4) < 3 && isDigit(text.charCodeAt(end))) end++
  if (end === at + 4) return 0
  if (end < text.length) {
    const next = text.charCodeAt(end)
    if (isDigit(next)) return 0
    // "4.16.55.1" and IP addresses go on with ".<digit>"
    if (next === 46 && isDigit(text.charCodeAt(end + 1))) return 0
  }
  return end - at
}

/** The first enhanced status in the text that stands on its own, or ''. */
export function findStatus(text: string): string {
  for (let i = text.indexOf('.'); i >= 1; i = text.indexOf('.', i + 1)) {
    const at = i - 1
    if (at > 0 && isWordish(text.charCodeAt(at - 1)) && text.charCodeAt(at - 1) !== 35) continue
    const length = statusLengthAt(text, at)
    if (length > 0) return text.slice(at, at + length)
  }
  return ''
}

/**
 * The reply code: at the start of the text (after blanks and a DSN's "smtp;" prefix), or
 * later where it is introduced by a colon ("said: 550 …", "SIZE=2022: 553 …") or followed
 * by an enhanced status ("… 421 4.7.0 …"). A bare number inside prose ("limit of 500
 * attachments") is not taken.
 */
export function findReplyCode(text: string): string {
  let at = 0
  while (at < text.length && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) at++
  if (text.startsWith('smtp;', at) || text.startsWith('SMTP;', at)) {
    at += 5
    while (at < text.length && text.charCodeAt(at) === 32) at++
  }
  if (isCodeAt(text, at)) return text.slice(at, at + 3)
  for (let i = at + 1; i + 3 <= text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 50 || unit > 53 || isWordish(text.charCodeAt(i - 1)) || !isCodeAt(text, i)) continue
    let before = i - 1
    while (before >= 0 && text.charCodeAt(before) === 32) before--
    const introduced = before >= 0 && (text.charCodeAt(before) === 58 || text.charCodeAt(before) === 10)
    if (introduced || (i + 4 < text.length && statusLengthAt(text, i + 4) > 0)) return text.slice(i, i + 3)
  }
  return ''
}

/** Reply code and enhanced status of a reply or diagnostic text. */
export function scanReply(text: string): ReplyNumbers {
  return { replyCode: findReplyCode(text), status: findStatus(text) }
}

/**
 * A multi-line reply with its continuation prefixes taken out, so that phrases match across
 * lines: "550-5.7.1 … rate of\r\n550-5.7.1 unsolicited mail" (or the same joined by spaces)
 * → "550-5.7.1 … rate of unsolicited mail". Returns the text itself when there is nothing to do.
 */
export function unfoldReply(text: string, replyCode: string): string {
  if (replyCode === '') return text
  let from = text.indexOf(replyCode, 4)
  if (from < 0) return text
  let result = ''
  let kept = 0
  for (; from >= 0; from = text.indexOf(replyCode, from + 3)) {
    const before = text.charCodeAt(from - 1)
    const after = text.charCodeAt(from + 3)
    if (!(before === 32 || before === 10 || before === 13 || before === 9) || !(after === 45 || after === 32)) continue
    let end = from + 4
    const length = statusLengthAt(text, end)
    if (length > 0 && text.charCodeAt(end + length) === 32) end += length + 1
    result += text.slice(kept, from)
    kept = end
    from = end - 3
  }
  return kept === 0 ? text : result + text.slice(kept)
}
