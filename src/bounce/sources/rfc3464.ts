// RFC 3464 delivery status notifications: the standard path for every MTA that has no source of
// its own. Reads the message/delivery-status (or message/global-delivery-status, RFC 6533) part,
// or the same fields written inline in the text when the MIME structure is broken, and tolerates
// the malformed values real MTAs write ("Action: failure", "Status: 553 5.3.0 …", comments).
import type { MailPart, ParsedMail } from '../mail/index.ts'
import { inlineDeliveryStatus, parseDeliveryStatus } from './delivery-status.ts'
import { commandInText } from './smtp-command.ts'
import type { BounceSource, DsnAction, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

/**
 * Phrases by which an MTA says it gave up after its retry period: the recipient expired rather
 * than failed on a reply. Lower-cased; each with where it is written.
 */
export const EXPIRY_PHRASES: readonly string[] = [
  // Exim src/retry.c: "retry time not reached for any host after a long failure period"
  'retry time not reached for any host after a long failure period',
  // Exim src/deliver.c: "retry timeout exceeded"
  'retry timeout exceeded',
  // Postfix, Courier and others: "… giving up"
  'giving up',
  // Sendmail sendmail/queue.c: "Cannot send message for 5 days"; "could not be delivered within 5 days"
  'cannot send message for',
  'could not be delivered within',
  // Microsoft Exchange / Lotus Domino: "delivery time expired", "message expired"
  'delivery time expired',
  'message expired',
  // OpenSMTPD smtpd/queue.c: "Envelope expired"
  'envelope expired',
  // qmail qmail-send.c: "I'm not going to try again; this message has been in the queue too long."
  'has been in the queue too long',
  // Courier courierd: "Delivery to this address has been abandoned after … days"
  'delivery has been abandoned',
  // MDaemon / others: "maximum time in queue exceeded", "exceeded the maximum time"
  'time in queue exceeded',
  'exceeded the maximum time',
]

/**
 * Phrases of a delay notice (still retrying), when the Action field is missing. Lower-cased.
 * Microsoft Exchange: "Delivery attempts will continue to be made for 1 day(s)";
 * Sendmail conf.c: "Warning: message still undelivered after 4 hours", "Will keep trying until message is 5 days old".
 */
export const DELAY_PHRASES: readonly string[] = [
  'delivery attempts will continue',
  'still undelivered after',
  'will keep trying until',
  'will continue trying',
  'this is a warning only',
]

export const rfc3464: BounceSource = {
  name: 'RFC3464',
  description: 'RFC 3464 delivery status notification: https://www.rfc-editor.org/rfc/rfc3464',
  inquire,
}

function inquire(mail: ParsedMail): SourceResult | undefined {
  const dsnText = mail.deliveryStatus === undefined ? inlineDeliveryStatus(mail.text) : allDeliveryStatus(mail.root)
  if (dsnText === undefined) {
    // A DSN forwarded as an attachment (a relay or a gateway returning the bounce it got): read the enclosed one.
    const enclosed = mail.original
    return enclosed?.deliveryStatus !== undefined ? inquire(enclosed) : undefined
  }
  const report = parseDeliveryStatus(dsnText)
  if (report.recipients.length === 0) return undefined

  // The explanations may sit in a delivery-status part written as prose (InterMail): read both.
  const text = mail.deliveryStatus === undefined ? mail.text : `${mail.text}\n\n${dsnText}`
  // Phrases are looked for in the human-readable part only: a DSN field belongs to one recipient.
  const lowerText = factsOf(mail).text
  const textSaysExpired = EXPIRY_PHRASES.some((phrase) => lowerText.includes(phrase))
  const textSaysDelayed = DELAY_PHRASES.some((phrase) => lowerText.includes(phrase))

  // Split and lower-cased once: a report may list thousands of recipients, each looked for in the text.
  const lines = text.split('\n')
  const lowerLines = lines.map((line) => line.toLowerCase())
  const lineIndex = indexLines(lowerLines)
  // by lower-cased address: a report may repeat one recipient a thousand times
  const explanations = new Map<string, string | undefined>()
  const explain = (recipient: string) => {
    const key = recipient.toLowerCase()
    if (!explanations.has(key)) explanations.set(key, explanationFor(recipient, lines, lineIndex))
    return explanations.get(key)
  }
  const firstReply = failingReply(lines)
  const textCommand = commandInText(mail.text)

  const recipients: RawRecipient[] = []
  for (const fields of report.recipients) {
    const recipient = fields.recipient
    const dsnAction = fields.action ?? (textSaysDelayed ? 'delayed' : undefined)
    const hasDiagnosticField = fields.diagnosticCode !== undefined || fields.diagnosticType !== undefined
    const diagnosticCode = hasDiagnosticField
      ? fields.diagnosticCode ?? ''
      : explain(recipient) ?? statusComment(fields.statusText) ?? firstReply
    const lowerDiagnostic = (diagnosticCode ?? '').toLowerCase()
    const isMailerExit = fields.diagnosticType === 'x-unix' && MAILER_EXIT.test(fields.diagnosticCode ?? '')
    recipients.push({
      recipient,
      diagnosticCode,
      status: fields.status,
      replyCode: replyCodeOf(diagnosticCode ?? '') ?? replyCodeOf(fields.statusText ?? ''),
      dsnAction,
      command: commandInText(diagnosticCode ?? '') ?? textCommand,
      reason: formatReason(dsnAction, textSaysExpired || EXPIRY_PHRASES.some((p) => lowerDiagnostic.includes(p)), isMailerExit, lowerDiagnostic),
      remoteMta: fields.remoteMta,
      reportingMta: report.reportingMta,
      arrivalDate: report.arrivalDate,
      lastAttemptDate: fields.lastAttemptDate,
    })
  }
  return recipients.length > 0 ? { recipients } : undefined
}

// "Diagnostic-Code: X-Unix; 255": the exit status of a local delivery program (Sendmail's prog and
// local mailers, sendmail/deliver.c), not an SMTP reply.
const MAILER_EXIT = /^(?:exit\s*(?:status|code)?\s*)?\d{1,3}\s*$/i

const MAX_DSN_PARTS = 8

/**
 * Every delivery-status part, joined: some MTAs send two, the first of them human text under the
 * wrong type (ruby-mail's multipart_report_multiple_status sample, InterMail).
 */
function allDeliveryStatus(root: MailPart): string {
  const texts: string[] = []
  const walk = (part: MailPart) => {
    if (texts.length >= MAX_DSN_PARTS) return
    if (part.contentType === 'message/delivery-status' || part.contentType === 'message/global-delivery-status') texts.push(part.text)
    for (const child of part.parts) walk(child)
  }
  walk(root)
  return texts.join('\n\n')
}

/** What the format itself says: a success DSN is delivered; a given-up or bare delay notice is expired; a mailer's exit status is mailererror. */
function formatReason(action: DsnAction | undefined, saysExpired: boolean, isMailerExit: boolean, diagnostic: string): RawRecipient['reason'] {
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return 'delivered'
  if (action !== 'failed' && action !== 'delayed') return undefined
  if (saysExpired) return 'expired'
  if (isMailerExit) return 'mailererror'
  // "Action: delayed" and not a word on why, in the fields or the text: Sisimai calls that expired.
  if (action === 'delayed' && diagnostic.trim() === '') return 'expired'
  return undefined
}

/** "Status: 553 Exceeded maximum inbound message size", "Status: 5.0.0 (recipient reached disk quota)": words after the code. */
function statusComment(value: string | undefined): string | undefined {
  if (!value) return undefined
  const words = value.replace(STATUS, '').replace(/^\s*[245]\d\d\b/, '').replace(/[()]/g, ' ').trim()
  return /[A-Za-z]{3}/.test(words) ? value.trim() : undefined
}

const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/

// "550 5.1.1 <x@example.jp>… User unknown", "550-5.1.1 The email account …", "host mx[192.0.2.1] said: 550 …"
const REPLY_CODE = /(?:^|said:\s*|\]:\s*|\s)([245][0-5]\d)(?=[\s-]|$)/

function replyCodeOf(text: string): string | undefined {
  const match = REPLY_CODE.exec(text)
  return match ? match[1] : undefined
}


const MAX_EXPLANATION_LINES = 6
const FIELD_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/
// A header or DSN field, quoted indented or not: "  To: x@example.jp" in "…with the following header fields:"
const QUOTED_FIELD_LINE = /^\s*[A-Za-z][A-Za-z0-9-]*[ \t]*:/

/**
 * The human-readable text's words about one recipient, for a DSN without a Diagnostic-Code:
 * the paragraph that names the address, e.g. Postfix's
 *   "<x@example.jp> (expanded from <y@example.jp>): temporary failure. Command output: …"
 */
/**
 * The lower-cased lines joined, and where each starts: a recipient's lines are found with
 * indexOf over the whole text, not by a scan of every line per recipient (a report may list a
 * thousand recipients over thousands of lines).
 */
interface LineIndex {
  readonly text: string
  readonly starts: readonly number[]
}

function indexLines(lowerLines: readonly string[]): LineIndex {
  const starts: number[] = []
  let offset = 0
  for (const line of lowerLines) {
    starts.push(offset)
    offset += line.length + 1
  }
  return { text: lowerLines.join('\n'), starts }
}

/** The lines, in order, whose lower-cased text contains `needle`. */
function* linesContaining(index: LineIndex, needle: string): Generator<number> {
  for (let at = index.text.indexOf(needle); at !== -1;) {
    // the last line starting at or before `at`
    let low = 0
    let high = index.starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (index.starts[middle] <= at) low = middle
      else high = middle - 1
    }
    yield low
    if (low + 1 >= index.starts.length) return
    at = index.text.indexOf(needle, index.starts[low + 1])
  }
}

function explanationFor(recipient: string, lines: readonly string[], index: LineIndex): string | undefined {
  const lowerRecipient = recipient.toLowerCase()
  if (lowerRecipient.includes('\n')) return undefined
  for (const i of linesContaining(index, lowerRecipient)) {
    // A field line ("To: x@example.jp", "Final-Recipient: rfc822; x@example.jp") names the address but explains nothing.
    if (QUOTED_FIELD_LINE.test(lines[i])) continue
    const taken: string[] = []
    for (let j = i; j < lines.length && taken.length < MAX_EXPLANATION_LINES; j++) {
      if (j > i && (lines[j].trim() === '' || FIELD_LINE.test(lines[j]))) break
      taken.push(lines[j].trim())
    }
    const explanation = taken.join(' ').trim()
    // A line that is the address alone, or the address and a DSN field, explains nothing.
    const rest = explanation.toLowerCase().replace(lowerRecipient, '').replace(/[<>:;,\s]|action|delayed|failed/g, '')
    if (rest.length > 0) return explanation
  }
  return undefined
}

// Sendmail's "----- Transcript of session follows -----" then
// '554 "|IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #kijitora"... Service unavailable'
const FAILING_REPLY_LINE = /^[45]\d\d[ -]/

/** The first failing SMTP reply quoted in the text: a session transcript's last word. */
function failingReply(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const trimmed = line.trim()
    if (FAILING_REPLY_LINE.test(trimmed)) return trimmed
  }
  return undefined
}
