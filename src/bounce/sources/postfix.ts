// Postfix bounce(8) notices: "Undelivered Mail Returned to Sender" (and the delay and
// success reports), a human-readable part with one paragraph per recipient, and a
// message/delivery-status part since Postfix 2.3. Templates: postfix/src/bounce/bounce_template.c
// (the "The mail system" signature; the older "The Postfix program" before 2.3), the
// "(in reply to %s command)" suffix from postfix/src/smtp/smtp_proto.c.
import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import { fullestDiagnostic, type DsnRecipientFields } from './delivery-status.ts'
import { commandAt, commandInText } from './smtp-command.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

/** Subjects of bounce_template.c's failure, delay and success templates, and smtpd's postmaster notice. */
const SUBJECTS: readonly string[] = [
  'undelivered mail returned to sender',
  'delayed mail (still being retried)',
  'successful mail delivery report',
  'mail delivery status report',
  'postfix smtp server: errors from',
]

/** The first lines of the notification text (bounce_template.c), English and as Japanese ISPs localise them. */
const TEXT_MARKERS: readonly string[] = [
  'this is the mail system at host',
  'this is the postfix program at host',
  "i'm sorry to have to inform you that",
]

/** The line just above the per-recipient paragraphs: the template signature or a localised lead-in. */
const SIGNATURES: readonly string[] = ['the mail system', 'the postfix program', 'the following is the error message.']

/**
 * local(8) and pipe(8) naming their own failure: "can't create user output file. Command output: …",
 * "Command died with status 1: …". A bare "Command output: Quota exceeded" is left to the
 * classifier: the mailer's own words may say more than "the mailer failed".
 */
const MAILER_ERROR_PHRASES: readonly string[] = ["can't create user output file", 'command died with status', 'command time limit exceeded']

// "<kijitora@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 …"
// "<postmaster@example.org> (expanded from <neko@example.co.jp>): host …"
const PARAGRAPH_START = /^<([^<>\s]+)>\s*(?:\(expanded from\b|:)/

// " In:  RCPT TO:<kijitora@example.jp> ORCPT=rfc822;kijitora@example.jp"
const TRANSCRIPT_RCPT = /^\s*In:\s+RCPT TO:\s*<([^>]+)>/i

export const postfix: BounceSource = {
  name: 'Postfix',
  description: 'Postfix: https://www.postfix.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!isPostfix(mail)) return undefined
    const dsn = factsOf(mail).report
    const text = mail.text
    const lowered = text.toLowerCase()
    if (lowered.includes('transcript of session follows') && !dsn.recipients.length) {
      return { recipients: readTranscript(text) }
    }
    const paragraphs = readParagraphs(text)
    const recipients: RawRecipient[] = []
    const seen = new Set<string>()
    // A paragraph whose address the DSN does not name (a rewritten or anonymised copy) pairs with an unmatched DSN block, in order.
    const unmatched = [...paragraphs.keys()].filter((key) => !dsn.recipients.some((fields) => fields.recipient.toLowerCase() === key))
    for (const fields of dsn.recipients) {
      const key = fields.recipient.toLowerCase()
      if (seen.has(key)) continue
      seen.add(key)
      const paired = paragraphs.has(key) ? key : unmatched.shift()
      if (paired !== undefined) seen.add(paired)
      recipients.push(toRecipient(fields.recipient, paired === undefined ? undefined : paragraphs.get(paired), fields, dsn.reportingMta))
    }
    // A notice without its delivery-status part (Postfix before 2.3, or a forwarded copy): the paragraphs alone.
    for (const [key, paragraph] of paragraphs) {
      if (seen.has(key)) continue
      seen.add(key)
      recipients.push(toRecipient(key, paragraph, undefined, dsn.reportingMta))
    }
    return { recipients }
  },
}

function isPostfix(mail: ParsedMail): boolean {
  const subject = factsOf(mail).subject
  if (SUBJECTS.some((wanted) => subject.startsWith(wanted))) return true
  if (factsOf(mail).deliveryStatus?.includes('x-postfix-queue-id:')) return true
  const from = factsOf(mail).from
  if (!from.includes('mailer-daemon') && !from.includes('mail delivery system')) return false
  const head = factsOf(mail).head(2000)
  return TEXT_MARKERS.some((marker) => head.includes(marker))
}

function toRecipient(address: string, paragraph: string | undefined, fields: DsnRecipientFields | undefined, reportingMta: string | undefined): RawRecipient {
  const diagnosticCode = fullestDiagnostic(paragraph, fields?.diagnosticCode)
  const lowered = (diagnosticCode ?? '').toLowerCase()
  const reason: Reason | undefined = MAILER_ERROR_PHRASES.some((phrase) => lowered.includes(phrase)) ? 'mailererror' : undefined
  return {
    recipient: address,
    diagnosticCode,
    status: fields?.status,
    dsnAction: fields?.action,
    command: diagnosticCode ? commandInText(diagnosticCode) : undefined,
    reason,
    remoteMta: fields?.remoteMta ?? remoteHostIn(paragraph),
    reportingMta,
    lastAttemptDate: fields?.lastAttemptDate,
  }
}

// "host mx.example.jp[192.0.2.1] said:" → "mx.example.jp"
const HOST_SAID = /\bhost ([^\s[]+)\[[^\]]*\] (?:said|refused)/

function remoteHostIn(paragraph: string | undefined): string | undefined {
  return paragraph ? HOST_SAID.exec(paragraph)?.[1] : undefined
}

/** The per-recipient paragraphs below the signature, keyed by lower-cased address, text after "<addr>:". */
function readParagraphs(text: string): Map<string, string> {
  const lines = text.split('\n')
  let from = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim().toLowerCase()
    if (SIGNATURES.includes(line)) {
      from = i + 1
      break
    }
  }
  const paragraphs = new Map<string, string>()
  let address = ''
  let body: string[] = []
  const flush = () => {
    if (address && !paragraphs.has(address)) paragraphs.set(address, stripLead(body.join(' ')))
    address = ''
    body = []
  }
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]
    // The returned message follows a forwarded notice's paragraphs; a MIME boundary ends them.
    if (line.startsWith('--') || /^(return-path|received):/i.test(line)) {
      flush()
      if (paragraphs.size > 0) break
      continue
    }
    if (!line.trim()) {
      flush()
      continue
    }
    const start = PARAGRAPH_START.exec(line)
    if (start) {
      flush()
      address = start[1].toLowerCase()
      body = [line]
      continue
    }
    if (address) body.push(line.trim())
  }
  flush()
  return paragraphs
}

/** "<a@example.jp> (expanded from <b@example.jp>): host …" → "host …" */
function stripLead(paragraph: string): string {
  const flat = paragraph.replace(/\s+/g, ' ')
  const close = flat.indexOf('>')
  let at = close + 1
  if (flat.slice(at).trimStart().startsWith('(expanded from')) at = flat.indexOf(')', at) + 1
  const colon = flat.indexOf(':', at)
  return (colon === -1 ? flat.slice(at) : flat.slice(colon + 1)).trim()
}

/**
 * smtpd's postmaster notice "Postfix SMTP server: errors from …": a session transcript.
 *   " In:  RCPT TO:<kijitora@example.jp>"
 *   " In:  DATA"
 *   " Out: 451 4.3.0 Error: queue file write error"
 */
function readTranscript(text: string): RawRecipient[] {
  const recipients: string[] = []
  let lastCommand = ''
  let failure: { reply: string; command: string } | undefined
  for (const line of text.split('\n')) {
    const rcpt = TRANSCRIPT_RCPT.exec(line)
    if (rcpt) recipients.push(rcpt[1])
    const trimmed = line.trim()
    if (trimmed.startsWith('In:')) lastCommand = trimmed.slice(3).trim()
    else if (/^Out:\s+[45]\d\d[ -]/.test(trimmed)) failure = { reply: trimmed.slice(4).trim(), command: lastCommand }
  }
  if (!failure) return []
  return recipients.map((recipient) => ({
    recipient,
    diagnosticCode: failure.reply,
    command: commandAt(failure.command),
  }))
}
