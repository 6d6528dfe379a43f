// Auto-replies (RFC 3834): out-of-office and vacation notices. Not a failure: the reason is
// `vacation` and the recipient is the address that answered. A few auto-replies say the
// mailbox is gone ("This email inbox … is no longer in use"): those are left to the reply
// classifier, which reads the text like any other diagnostic.
import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, SourceResult } from './types.ts'
import { addressesIn } from './address.ts'
import { factsOf } from './mail-facts.ts'

/** Header fields that mark an auto-reply by themselves. [field, lower-cased value prefix]. */
const AUTO_REPLY_HEADERS: readonly (readonly [string, string])[] = [
  // RFC 3834 §5.1: "Auto-Submitted: auto-replied" (auto-generated is a bounce or a report, not a reply)
  ['auto-submitted', 'auto-replied'],
  // Exim autoreply transport, cPanel, many vacation programs: "X-Autoreply: yes"
  ['x-autoreply', ''],
  ['x-autorespond', ''],
  ['x-autoresponder', ''],
  // iCloud: "X-Apple-Action: VACATION"
  ['x-apple-action', 'vacation'],
  // Sendmail vacation(1), old majordomo: "Precedence: auto_reply"
  ['precedence', 'auto_reply'],
]

/** Subject prefixes of auto-replies (Outlook/Exchange, Gmail, iCloud, Japanese and European clients). Lower-cased. */
const AUTO_REPLY_SUBJECTS: readonly string[] = [
  'auto:', 'automatic reply:', 'auto reply:', 'auto-reply:', 'autoreply:', 'autorespons', 'auto response',
  'out of office', 'out of the office', 'on vacation', 'vacation reply', 'away from my mail',
  '自動応答', '自動返信', '不在', 'réponse automatique', 'abwesenheitsnotiz', 'automatische antwort',
  'respuesta automática', 'risposta automatica', 'automatisch antwoord',
]

/** Header fields that, with such a subject, confirm a machine answered. */
const AUTO_REPLY_HINTS: readonly string[] = [
  // Exchange sets both on its OOF replies.
  'x-auto-response-suppress', 'x-ms-exchange-inbox-rules-loop', 'in-reply-to',
]

/** Words of an auto-reply that says the mailbox is gone: not a vacation. Lower-cased. */
const MAILBOX_GONE_PHRASES: readonly string[] = [
  // Mimecast auto-responder: "This email inbox kijitora@example.com is no longer in use."
  'no longer in use', 'no longer active', 'no longer monitored', 'is no longer valid', 'has been deactivated',
  'has been disabled', 'has been closed', 'no longer exists',
]

const MAX_DIAGNOSTIC_CHARS = 500

export const rfc3834: BounceSource = {
  name: 'RFC3834',
  description: 'RFC 3834 automatic responses (vacation, out of office): https://www.rfc-editor.org/rfc/rfc3834',
  inquire,
}

function inquire(mail: ParsedMail): SourceResult | undefined {
  // A delivery or feedback report is no auto-reply even when it carries "Auto-Submitted: auto-replied".
  if (mail.deliveryStatus !== undefined || mail.feedbackReport !== undefined) return undefined
  // Exim's DMARC failure report is a multipart/report marked "Auto-Submitted: auto-replied": a report, not a reply.
  if (factsOf(mail).contentType.startsWith('multipart/report')) return undefined
  const from = factsOf(mail).from
  if (from.includes('mailer-daemon') || from.includes('postmaster')) return undefined
  if (!isAutoReply(mail)) return undefined

  const recipient = addressesIn(mail.headers.get('from'))[0] ?? addressesIn(mail.original?.headers.get('to'))[0]
  if (!recipient) return undefined
  const diagnosticCode = bodyOpening(mail.text)
  const lowered = diagnosticCode.toLowerCase()
  const saysGone = MAILBOX_GONE_PHRASES.some((phrase) => lowered.includes(phrase))
  return { recipients: [{ recipient, diagnosticCode, reason: saysGone ? undefined : 'vacation' }] }
}

function isAutoReply(mail: ParsedMail): boolean {
  for (const [field, prefix] of AUTO_REPLY_HEADERS) {
    const value = mail.headers.get(field)
    if (value !== undefined && value.trim().toLowerCase().startsWith(prefix)) return true
  }
  const subject = (mail.headers.get('subject') ?? '').trim().toLowerCase()
  if (!AUTO_REPLY_SUBJECTS.some((prefix) => subject.startsWith(prefix))) return false
  // A subject alone may be a person's ("Out of office tomorrow?"): also want a machine's mark.
  const returnPath = (mail.headers.get('return-path') ?? '').replace(/\s/g, '')
  return returnPath === '<>' || AUTO_REPLY_HINTS.some((field) => mail.headers.get(field) !== undefined)
}

/** The reply's opening words, on one line: what the auto-replier says. */
function bodyOpening(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_DIAGNOSTIC_CHARS ? flat.slice(0, MAX_DIAGNOSTIC_CHARS) : flat
}
