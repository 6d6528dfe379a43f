// The last source asked: a generic reader for bounces in formats no other source knows. It
// answers only for a mail that plainly is a bounce (its sender, subject, empty Return-Path,
// X-Failed-Recipients), and then only for addresses the text reports on. Conservative by
// design: an ordinary mail that quotes "550 user unknown" must yield nothing.
import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { addressesIn } from './address.ts'
import { commandInText } from './smtp-command.ts'
import { factsOf } from './mail-facts.ts'

/** Local parts and display names of bounce senders (RFC 5321 §4.5.5: the null reverse-path; RFC 3834). Lower-cased. */
const BOUNCE_SENDERS: readonly string[] = [
  'mailer-daemon', 'postmaster', 'mail delivery', 'maildelivery', 'mail-daemon', 'mailerdaemon',
  'mail administrator', 'mail system', 'mailsystem', 'delivery subsystem', 'bounce', 'mmdf',
]

/** Subject words of delivery failure notices, seen in real notices (set-of-emails samples). Lower-cased. */
const BOUNCE_SUBJECTS: readonly string[] = [
  'undeliver', 'undelivered', 'returned mail', 'returning message', 'delivery fail', 'delivery status notification',
  'delivery notification', 'failure notice', 'mail delivery', 'delivery report', 'non-delivery', 'nondelivery',
  'could not be delivered', 'not delivered', 'delivery problem', 'delivery error', 'mail system error', 'failed',
  'failure', 'returned', 'bounce', 'rejected', 'ndn', 'ndr', 'postmaster notify', 'errors from', 'error',
  // Japanese notices: "配信不能", "エラー", "不達", "送信できませんでした"
  '配信不能', 'エラー', '不達', '届きません', 'できませんでした', '配送失敗',
  // Russian (Mail.ru, Yandex): "не доставлено"
  'не доставлено', 'недоставлен',
]

/** Words with which a notice says that delivery failed. Lower-cased. */
const FAILURE_WORDS: readonly string[] = [
  'could not be delivered', 'couldn\'t be delivered', 'was not delivered', 'wasn\'t delivered', 'undeliverable',
  'delivery failed', 'delivery has failed', 'failed permanently', 'permanent error', 'permanent failure',
  'delivery to the following', 'following address', 'following recipient', 'unable to deliver', 'not be delivered',
  'user unknown', 'does not exist', 'no such user', 'mailbox', 'rejected', 'returned to sender', 'temporary failure',
  'remote host said', 'said:', 'smtp error', '配信できません', '送信できません', '届けることができません',
]

// Markers after which the returned message begins: addresses past here are the original's own.
// Not a bare "original message": Sendmail opens with "The original message was received at …".
const ORIGINAL_MESSAGE_MARKERS: readonly string[] = [
  'original message follows', 'original message as follows', 'original mail as follows', '----- original message',
  'below this line is a copy of the message', 'this is a copy of the message', 'returned message follows',
  '--- returned message', 'message headers follow', 'unsent message below', 'headers of the original',
  'the text you sent follows', 'text of the message follows', 'copy of the original message',
]

const A = String.raw`([A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)`

/** Lines on which notices name a failed recipient; group 1 is the address. */
const RECIPIENT_LINES: readonly RegExp[] = [
  // qmail "<x@example.jp>:", Exim "  x@example.jp", Gmail "     x@example.jp": the address alone on its line
  new RegExp(String.raw`^\s*<?${A}>?\s*:?\s*$`),
  // Postfix "<x@example.jp>: host mx.example.jp[192.0.2.1] said: 550 …", Sendmail "<x@example.jp>... User unknown",
  // "<x@example.jp> (expanded from <y@example.jp>): …"
  new RegExp(String.raw`<${A}>\s*(?::|\.\.\.|\(expanded from)`),
  // "x@example.jp: 550 5.1.1 …", "x@example.jp... User unknown", "kijitora@example.org [User unknown]"
  new RegExp(String.raw`^\s*${A}(?::|\.\.\.)\s`),
  new RegExp(String.raw`^\s*<?${A}>?\s+[\[(]`),
  // SMTP transcripts: " In:  RCPT TO:<x@example.jp> ORCPT=…", "RCPT TO: x@example.jp"
  new RegExp(String.raw`\brcpt to:\s*<?${A}`, 'i'),
  // DragonFly "There was an error delivering your mail to <x@example.jp>.", "Recipient: <x@example.jp>"
  new RegExp(String.raw`\b(?:to|recipient|recipients|address|addressee)\s*:?\s*<${A}>`, 'i'),
  // "Original-Recipient: rfc822;x@example.jp", "Failed recipient: x@example.jp"
  new RegExp(String.raw`^\s*(?:original-recipient|final-recipient|failed recipient|recipient address|recipient)\s*:\s*(?:rfc822;\s*)?<?${A}`, 'i'),
]

const REPLY = /\b[245]\d\d[ -][245]?\.?|\b[245]\.\d{1,3}\.\d{1,3}\b/
const MAX_RECIPIENTS = 50
const MAX_EXPLANATION_LINES = 6

export const fallback: BounceSource = {
  name: 'Fallback',
  description: 'Generic reader for bounces of formats no other source knows',
  inquire,
}

function inquire(mail: ParsedMail): SourceResult | undefined {
  const failedHeader = mail.headers.get('x-failed-recipients')
  if (!failedHeader && !looksLikeBounce(mail)) return undefined

  const own = ownAddresses(mail)
  const bounceFrom = factsOf(mail).from
  const lines = readableLines(mail.text)
  const addresses: string[] = []
  // Exim, Postfix: "X-Failed-Recipients: x@example.jp, y@example.jp"
  for (const found of addressesIn(failedHeader)) pushUnique(addresses, found, own, true)
  // Where notices put the failed address: trusted even when it is the bounce's own To (a self-send).
  if (addresses.length === 0) {
    for (const line of lines) {
      for (const pattern of RECIPIENT_LINES) {
        const match = pattern.exec(line)
        if (match && !bounceFrom.includes(match[1].toLowerCase())) pushUnique(addresses, match[1], EMPTY, true)
      }
    }
  }
  // Any other address the notice mentions, bar the bounce's own and the original sender's.
  if (addresses.length === 0) {
    for (const line of lines) {
      if (isHeaderNoise(line)) continue
      for (const found of addressesIn(line)) pushUnique(addresses, found, own, false)
    }
  }
  if (addresses.length === 0) return undefined

  const general = failureParagraph(lines)
  const recipients: RawRecipient[] = addresses.slice(0, MAX_RECIPIENTS).map((recipient) => {
    const diagnosticCode = explanationFor(recipient, lines) ?? general
    return { recipient, diagnosticCode, command: commandInText(diagnosticCode ?? '') }
  })
  return { recipients }
}

function looksLikeBounce(mail: ParsedMail): boolean {
  const from = factsOf(mail).from
  const subject = factsOf(mail).subject
  const returnPath = (mail.headers.get('return-path') ?? '').replace(/\s/g, '')
  const autoSubmitted = (mail.headers.get('auto-submitted') ?? '').toLowerCase()
  // A machine wrote it: a bounce sender, the null reverse-path (RFC 5321 §4.5.5), or RFC 3834's mark.
  const contentType = factsOf(mail).contentType
  const isMachine = BOUNCE_SENDERS.some((word) => from.includes(word) || returnPath.toLowerCase().includes(word)) || returnPath === '<>' ||
    autoSubmitted.startsWith('auto-generated') || contentType.includes('report-type=delivery-status')
  if (!isMachine) return false
  // … and it speaks of a failure: a person's "Mail delivery failed?" thread is not a bounce.
  const text = factsOf(mail).text
  return BOUNCE_SUBJECTS.some((word) => subject.includes(word)) || FAILURE_WORDS.some((word) => text.includes(word))
}

/** Addresses that are the bounce's own or the original sender's: never a failed recipient. */
function ownAddresses(mail: ParsedMail): Set<string> {
  const own = new Set<string>()
  const add = (value: string | undefined) => {
    for (const found of addressesIn(value)) own.add(found.toLowerCase())
  }
  for (const name of ['from', 'to', 'cc', 'reply-to', 'sender', 'return-path', 'errors-to', 'delivered-to', 'x-original-to']) add(mail.headers.get(name))
  const original = mail.original?.headers
  for (const name of ['from', 'return-path', 'sender', 'reply-to']) add(original?.get(name))
  return own
}

const EMPTY: ReadonlySet<string> = new Set()

function pushUnique(into: string[], address: string, own: ReadonlySet<string>, isStructured: boolean): void {
  const lower = address.toLowerCase().replace(/\.+$/, '')
  if (own.has(lower) || into.includes(lower)) return
  const local = lower.slice(0, lower.indexOf('@'))
  if (local === 'mailer-daemon' || local === 'double-bounce') return
  // "please contact postmaster@example.jp" is advice; "<postmaster@example.jp>: 550 …" is a failed recipient.
  if (!isStructured && (local === 'postmaster' || local === 'abuse' || local.startsWith('no-reply') || local.startsWith('noreply'))) return
  into.push(lower)
}

function isOriginalMarker(line: string): boolean {
  const lower = line.toLowerCase()
  return ORIGINAL_MESSAGE_MARKERS.some((marker) => lower.includes(marker))
}

/** The notice's lines, up to where a returned message's body begins (its header lines are kept). */
function readableLines(text: string): string[] {
  const all = text.split('\n')
  for (let i = 0; i < all.length; i++) {
    if (!isOriginalMarker(all[i])) continue
    // Keep the returned headers (their "To:" names the recipient), stop at the blank line after them.
    let end = i + 1
    while (end < all.length && all[end].trim() === '') end++
    while (end < all.length && all[end].trim() !== '') end++
    return all.slice(0, end)
  }
  return all
}

// Returned header lines ("Delivered-To: …", "Message-ID: <…>") and Received continuations: their
// addresses are never the failed recipient. "To:" and "Cc:" are kept: they name the original's recipients.
const HEADER_FIELD = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*:/
const RECEIVED_CONTINUATION = /^\s*(by|for|from|id|with|envelope-from)\s/i

function isHeaderNoise(line: string): boolean {
  const field = HEADER_FIELD.exec(line)?.[1].toLowerCase()
  if (field !== undefined && field !== 'to' && field !== 'cc') return true
  return RECEIVED_CONTINUATION.test(line)
}

/** The lines that name the recipient and those that follow it, to the next blank line. */
function explanationFor(recipient: string, lines: readonly string[]): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].toLowerCase().includes(recipient) || isHeaderNoise(lines[i])) continue
    if (/^\s*to\s*:/i.test(lines[i])) continue
    const taken: string[] = [lines[i].trim()]
    for (let j = i + 1; j < lines.length && taken.length < MAX_EXPLANATION_LINES; j++) {
      if (isOriginalMarker(lines[j])) break
      if (lines[j].trim() === '') {
        // "  x@example.jp\n\n    SMTP error from remote mail server …": an address alone takes the next paragraph.
        if (taken.length === 1 && j + 1 < lines.length && lines[j + 1].trim() !== '') continue
        break
      }
      taken.push(lines[j].trim())
    }
    const explanation = taken.join(' ')
    if (explanation.toLowerCase().replace(recipient, '').replace(/[<>:;,.\s]/g, '').length > 0) return explanation
  }
  return undefined
}

/** The first paragraph that carries a reply or an enhanced status: the notice's general reason. */
function failureParagraph(lines: readonly string[]): string | undefined {
  const paragraphs: string[] = []
  let current: string[] = []
  for (const line of lines) {
    if (line.trim() === '') {
      if (current.length > 0) paragraphs.push(current.join(' '))
      current = []
    } else current.push(line.trim())
  }
  if (current.length > 0) paragraphs.push(current.join(' '))
  return paragraphs.find((paragraph) => REPLY.test(paragraph)) ??
    paragraphs.find((paragraph) => FAILURE_WORDS.some((word) => paragraph.toLowerCase().includes(word)))
}
