// The fields of a delivery-status report (RFC 3464 §2.2, §2.3; RFC 6533's global form), read
// once for every source: the message/delivery-status part, or the same lines written into a
// notice's text (a broken MIME structure, Amazon WorkMail's "Technical report:", Messaging
// Server). Per-message fields (Reporting-MTA, Arrival-Date) are read once; then one group of
// fields per recipient.
//
// Lenient where real bounces are:
//   folded lines              "Diagnostic-Code: smtp; 550-5.1.1 The email account …\n    550 5.1.1 …" (Postfix folds at 76 columns)
//   Action values             "Action: failure" (flufl.bounce samples), "Action: Delayed", "Action: failed (bad destination …)"
//   Status values             "Status: 5.1.1 (Remote SMTP server has rejected address)" (Messaging Server), "Status: 553 5.3.0 …"
//   diagnostic types          "smtp;", "X-Unix; 255", "X-Postfix;", "X-Notes;" (Domino)
//   recipient fields          Final-Recipient, else Original-Recipient (McAfee sends no other), else Sendmail's X-Actual-Recipient,
//                             the first that holds an address: "|IFS=' ' && exec procmail …" is a pipe, not a recipient
//   field layout              "Field : value" (Mimecast), "rfc/822;addr" (Mimecast), Action before Final-Recipient (Amazon SES),
//                             two recipients without a blank line between them
import { addressIn } from './address.ts'
import type { DsnAction, RawRecipient } from './types.ts'

/** One per-recipient group of a delivery-status report, values without their type prefix. */
export interface DsnRecipientFields {
  /** Final-Recipient, else Original-Recipient, else X-Actual-Recipient: the first that holds an address */
  readonly recipient: string
  readonly originalRecipient?: string
  readonly action?: DsnAction
  /** "5.1.1" from "Status: 5.1.1 (bad destination mailbox address)" or "Status: 553 5.3.0 …" */
  readonly status?: string
  /** the Status value as written, comment and all */
  readonly statusText?: string
  /** Remote-MTA, without "dns;" or a trailing comment */
  readonly remoteMta?: string
  /** Diagnostic-Code without its type: "550 5.1.1 <x@example.jp>... User Unknown" */
  readonly diagnosticCode?: string
  /** the Diagnostic-Code's type, lower-cased: "smtp", "x-unix", "x-postfix", "x-notes" */
  readonly diagnosticType?: string
  readonly lastAttemptDate?: string
}

export interface DeliveryStatusFields {
  readonly reportingMta?: string
  readonly arrivalDate?: string
  /** the groups whose recipient fields hold an address, in the order written */
  readonly recipients: readonly DsnRecipientFields[]
  /**
   * Every per-recipient group in the order written, recipient '' where no field holds an
   * address ("Final-Recipient: RFC822; @mx.example.org", a pipe): for a source that pairs the
   * groups with the addresses its own notice lists.
   */
  readonly groups: readonly DsnRecipientFields[]
}

/** RFC 3464 §2.2: fields about the whole message. */
const PER_MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  'reporting-mta', 'dsn-gateway', 'received-from-mta', 'arrival-date', 'original-envelope-id',
])

/** RFC 3464 §2.3 (+ Sendmail's X-Actual-Recipient): fields about one recipient; each group has them once. */
const PER_RECIPIENT_FIELDS: ReadonlySet<string> = new Set([
  'original-recipient', 'final-recipient', 'action', 'status', 'remote-mta', 'diagnostic-code',
  'last-attempt-date', 'final-log-id', 'will-retry-until', 'x-actual-recipient',
])

/** The fields that name the recipient, most authoritative first. */
const RECIPIENT_FIELDS: readonly string[] = ['final-recipient', 'original-recipient', 'x-actual-recipient']

/** Action values as written, malformed ones included, to RFC 3464 §2.3.3 actions. */
const ACTIONS: Readonly<Record<string, DsnAction>> = {
  failed: 'failed',
  // "Action: failure" (flufl.bounce dsn samples), "Action: fail"
  failure: 'failed',
  fail: 'failed',
  delayed: 'delayed',
  delay: 'delayed',
  delivered: 'delivered',
  // "Action: deliverable" (Sisimai set-of-emails rfc3464-28, a Postfix "sendmail -bv" report)
  deliverable: 'delivered',
  relayed: 'relayed',
  expanded: 'expanded',
}

const FIELD_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/
const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/
// "smtp", "X-Notes", "rfc/822", "X-mPOP-Fallback_MX"
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9/_-]*$/

type Fields = Map<string, string>

/** Reads a delivery-status report; recipients in the order written, those without an address skipped. */
export function parseDeliveryStatus(text: string | undefined): DeliveryStatusFields {
  if (!text) return { recipients: [], groups: [] }
  const { message, groups } = readGroups(text)
  const all = groups.map((fields) => toRecipient(recipientOf(fields) ?? '', fields))
  return {
    reportingMta: hostOf(message.get('reporting-mta')),
    arrivalDate: message.get('arrival-date'),
    recipients: all.filter((fields) => fields.recipient !== ''),
    groups: all,
  }
}

/** A RawRecipient from one group of a report, with the report's Reporting-MTA and Arrival-Date. */
export function rawFromDsn(fields: DsnRecipientFields, report: DeliveryStatusFields): RawRecipient {
  return {
    recipient: fields.recipient,
    diagnosticCode: fields.diagnosticCode,
    status: fields.status,
    dsnAction: fields.action,
    remoteMta: fields.remoteMta,
    reportingMta: report.reportingMta,
    arrivalDate: report.arrivalDate,
    lastAttemptDate: fields.lastAttemptDate,
  }
}

// A report written into the text: "Final-Recipient: rfc822; x@example.jp" at the start of a line.
const INLINE_RECIPIENT = /^(final|original)-recipient[ \t]*:/im
const INLINE_REPORTING_MTA = /^reporting-mta[ \t]*:/im

/** The delivery-status fields written inline in a notice's text (broken MIME), from the per-message fields on. */
export function inlineDeliveryStatus(text: string): string | undefined {
  const at = text.search(INLINE_RECIPIENT)
  if (at === -1) return undefined
  // Start at the per-message fields above it, when they are there ("Reporting-MTA: dns; mx.example.jp").
  const reporting = text.slice(0, at).search(INLINE_REPORTING_MTA)
  return text.slice(reporting === -1 ? at : reporting)
}

/**
 * Of the texts a bounce gives for one recipient (the human-readable paragraph, the DSN's
 * Diagnostic-Code, a session transcript), the most complete one: whitespace collapsed, the
 * longest wins. The human-readable part usually quotes the whole remote reply and the
 * command it answered; the DSN field is often cut or folded.
 */
export function fullestDiagnostic(...texts: (string | undefined)[]): string | undefined {
  let best: string | undefined
  for (const text of texts) {
    const flat = text?.replace(/\s+/g, ' ').trim()
    if (flat && (best === undefined || flat.length > best.length)) best = flat
  }
  return best
}

/**
 * Splits the text into per-message fields and per-recipient groups (RFC 3464 §2.1). A group
 * starts at a per-recipient field after a blank line, or at one the current group already has
 * (two recipients written without a blank line); lines that are no field are skipped.
 */
function readGroups(text: string): { message: Fields; groups: Fields[] } {
  const message: Fields = new Map()
  const groups: Fields[] = []
  let current: Fields | undefined
  let sawBlank = false
  let last: { map: Fields; name: string } | undefined
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      sawBlank = true
      last = undefined
      continue
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      // RFC 5322 §2.2.3 folding: "Diagnostic-Code: X-Notes; Error transferring to x; Ma\n ximum hop count"
      last.map.set(last.name, `${last.map.get(last.name)} ${line.trim()}`)
      continue
    }
    const match = FIELD_LINE.exec(line)
    if (!match) {
      last = undefined
      continue
    }
    const name = match[1].toLowerCase()
    const value = match[2].trim()
    if (PER_RECIPIENT_FIELDS.has(name)) {
      if (!current || current.has(name) || (sawBlank && hasRecipientField(current))) {
        current = new Map()
        groups.push(current)
      }
      current.set(name, value)
      last = { map: current, name }
      sawBlank = false
      continue
    }
    const map = PER_MESSAGE_FIELDS.has(name) || !current ? message : current
    if (!map.has(name)) map.set(name, value)
    last = { map, name }
  }
  return { message, groups: groups.filter(hasRecipientField) }
}

function hasRecipientField(fields: Fields): boolean {
  return RECIPIENT_FIELDS.some((name) => fields.has(name))
}

function toRecipient(recipient: string, fields: Fields): DsnRecipientFields {
  const diagnostic = fields.get('diagnostic-code')
  const diagnosticType = diagnostic === undefined ? undefined : typeOf(diagnostic)
  const diagnosticCode = diagnostic === undefined ? undefined : stripType(diagnostic)
  const statusText = fields.get('status') || undefined
  return {
    recipient,
    originalRecipient: addressIn(stripType(fields.get('original-recipient'))),
    action: actionOf(fields.get('action')),
    status: statusOf(statusText),
    statusText,
    remoteMta: hostOf(fields.get('remote-mta')),
    diagnosticCode: diagnosticCode || undefined,
    diagnosticType: diagnosticType?.toLowerCase(),
    lastAttemptDate: fields.get('last-attempt-date'),
  }
}

/** Final-Recipient, else Original-Recipient, else X-Actual-Recipient: the first that holds an address. */
function recipientOf(fields: Fields): string | undefined {
  for (const name of RECIPIENT_FIELDS) {
    const address = addressIn(stripType(fields.get(name)))
    if (address) return address
  }
  return undefined
}

/** "smtp; 550 …" → "smtp"; "X-Notes; …" → "X-Notes"; a value without a type has none. */
function typeOf(value: string): string | undefined {
  const semicolon = value.indexOf(';')
  if (semicolon <= 0) return undefined
  const type = value.slice(0, semicolon).trim()
  return TYPE_NAME.test(type) ? type : undefined
}

/** "rfc822; x@example.jp" → "x@example.jp"; "smtp; 550 …" → "550 …"; a value without a type is kept. */
function stripType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  return (typeOf(value) === undefined ? value : value.slice(value.indexOf(';') + 1)).trim()
}

/** "dns; mx.example.jp (TCP|192.0.2.1|47323|192.0.2.25|25)" → "mx.example.jp"; an X.400 name ("x400; mta cata in /C=GB/") is kept whole. */
function hostOf(value: string | undefined): string | undefined {
  return stripType(value)?.replace(/\s*\(.*$/, '').trim() || undefined
}

function actionOf(value: string | undefined): DsnAction | undefined {
  if (!value) return undefined
  // "Action: failed (bad destination mailbox address)", "Action: Delayed"
  const word = value.toLowerCase().replace(/\(.*?\)/g, ' ').trim().split(/[\s;,]+/)[0]
  return ACTIONS[word]
}

/** "5.1.1", "5.1.1 (Remote SMTP server has rejected address)", "553 5.3.0 …" → the x.y.z. */
function statusOf(value: string | undefined): string | undefined {
  const match = value ? STATUS.exec(value) : null
  return match ? `${match[1]}.${match[2]}.${match[3]}` : undefined
}
