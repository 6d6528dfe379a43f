// Amazon SES: the bounce notices SES mails back to the sender (multipart/report with a
// delivery-status part, "An error occurred while trying to deliver the mail to the following
// recipients:") and the JSON notifications SES publishes through SNS to an e-mail subscriber
// ("AWS Notification Message"): https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html

import type { ParsedMail } from '../mail/index.ts'
import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource, DsnAction, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: MAILER-DAEMON@us-west-2.amazonses.com / SES-EM-B <no-reply@sns.amazonaws.com>
const SES_HOSTS = ['amazonses.com', 'sns.amazonaws.com']
// Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>
const EXPIRED_MARK = 'message expired: unable to deliver in'
// The following message to <shironeko@example.co.jp> was undeliverable.
// The reason for the problem:
// 5.1.0 - Unknown address error 550-'5.7.1 <…>... Access denied'
const OLD_LAYOUT_MARK = 'the following message to <'
const OLD_LAYOUT_REASON = 'The reason for the problem:'

export const amazonSes: BounceSource = {
  name: 'AmazonSES',
  description: 'Amazon SES: https://aws.amazon.com/ses/',
  inquire(mail) {
    const from = factsOf(mail).from
    const messageId = factsOf(mail).messageId
    const isSes = SES_HOSTS.some((host) => from.includes(host)) || messageId.includes('amazonses.com>') ||
      mail.headers.get('x-ses-outgoing') !== undefined
    if (!isSes) return undefined
    if (mail.text.trimStart().startsWith('{')) return readNotification(mail.text)
    return readNotice(mail)
  },
}

function readNotice(mail: ParsedMail): SourceResult | undefined {
  const report = factsOf(mail).report
  if (report.recipients.length > 0) {
    return { recipients: report.recipients.map((fields) => withExpiry(rawFromDsn(fields, report))) }
  }
  const lines = mail.text.split('\n')
  const recipients: RawRecipient[] = []
  for (let i = 0; i < lines.length; i++) {
    const lower = lines[i].toLowerCase()
    if (!lower.startsWith(OLD_LAYOUT_MARK)) continue
    const recipient = lines[i].slice(OLD_LAYOUT_MARK.length, lines[i].indexOf('>'))
    const reasonAt = lines.indexOf(OLD_LAYOUT_REASON, i)
    const diagnosticCode = reasonAt === -1 ? undefined : lines[reasonAt + 1]?.trim()
    recipients.push(withExpiry({ recipient, diagnosticCode }))
  }
  return recipients.length > 0 ? { recipients } : undefined
}

function withExpiry(raw: RawRecipient): RawRecipient {
  const quoted = withRemoteReply(raw)
  return quoted.diagnosticCode?.toLowerCase().includes(EXPIRED_MARK) ? { ...quoted, reason: 'expired' } : quoted
}

// SES writes its own code and words first, then quotes the receiving server's reply. What the
// receiver said is the diagnostic: its code is the one that failed (Sisimai's AmazonSES takes the
// quoted status over SES's catch-all too).
//   5.1.0 - Unknown address error 550-'5.7.1 <…>... Access denied' (delivery attempts: 0)
//     → SES's name for its own 5.1.0 is dropped: the receiver did not say "unknown address".
const QUOTED_REPLY = /^[245]\.\d{1,3}\.\d{1,3} - [^']*?\b([245]\d\d)[- ]'(.+)'/
//   554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>
//     → "421 4.4.2 Connection timed out (554 4.4.7 Message expired: …)": SES's notice is kept after it.
const LAST_REPLY = /^(.*?)<([245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b[^<>]*)>\s*$/

function withRemoteReply(raw: RawRecipient): RawRecipient {
  const text = raw.diagnosticCode
  if (text === undefined) return raw
  const quoted = QUOTED_REPLY.exec(text)
  if (quoted) return { ...raw, diagnosticCode: `${quoted[1]} ${quoted[2].trim()}`, replyCode: quoted[1] }
  const last = LAST_REPLY.exec(text)
  if (last) return { ...raw, diagnosticCode: `${last[2].trim()} (${last[1].trim()})`, replyCode: last[2].slice(0, 3) }
  return raw
}

// SNS wraps the SES event: {"Type":"Notification", "Message":"{\"notificationType\":\"Bounce\",…}"};
// a raw-message subscription sends the event itself.
interface SesEvent {
  notificationType?: string
  eventType?: string
  bounce?: {
    bounceType?: string
    reportingMTA?: string
    timestamp?: string
    bouncedRecipients?: { emailAddress?: string; action?: string; status?: string; diagnosticCode?: string }[]
  }
  complaint?: { complaintFeedbackType?: string; complainedRecipients?: { emailAddress?: string }[] }
  delivery?: { recipients?: string[]; smtpResponse?: string; reportingMTA?: string; timestamp?: string }
}

function readNotification(text: string): SourceResult | undefined {
  const event = parseEvent(text)
  if (!event) return undefined
  const type = (event.notificationType ?? event.eventType ?? '').toLowerCase()
  if (type === 'bounce' && event.bounce) {
    const bounce = event.bounce
    return {
      recipients: (bounce.bouncedRecipients ?? []).filter((r) => r.emailAddress).map((r) => withExpiry({
        recipient: r.emailAddress ?? '',
        diagnosticCode: r.diagnosticCode?.replace(/^smtp;\s*/i, ''),
        status: r.status,
        dsnAction: (r.action as DsnAction | undefined) ?? (bounce.bounceType === 'Transient' ? 'delayed' : 'failed'),
        reportingMta: bounce.reportingMTA?.replace(/^dsn;\s*/i, ''),
        lastAttemptDate: bounce.timestamp,
      })),
    }
  }
  if (type === 'complaint' && event.complaint) {
    const feedbackType = event.complaint.complaintFeedbackType
    return {
      recipients: (event.complaint.complainedRecipients ?? []).filter((r) => r.emailAddress)
        .map((r) => ({ recipient: r.emailAddress ?? '', reason: 'feedback' as const, feedbackType: feedbackType ?? 'abuse' })),
    }
  }
  if (type === 'delivery' && event.delivery) {
    const delivery = event.delivery
    return {
      recipients: (delivery.recipients ?? []).map((recipient) => ({
        recipient,
        diagnosticCode: delivery.smtpResponse,
        reason: 'delivered' as const,
        dsnAction: 'delivered' as const,
        reportingMta: delivery.reportingMTA,
        lastAttemptDate: delivery.timestamp,
      })),
    }
  }
  return undefined
}

// Long JSON lines come folded by the mail system as "…!\n " (a "!" and a folding break at
// about 990 octets, to stay under RFC 5322's 998-octet line limit): unfold before parsing.
const FORCED_FOLD = /!\n /g

function parseEvent(text: string): SesEvent | undefined {
  const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1).replace(FORCED_FOLD, '')
  const parsed = tryParse(json)
  if (!parsed) return undefined
  // {"Type":"Notification","Message":"{\"notificationType\":…}"}
  if (typeof parsed.Message === 'string') return tryParse(parsed.Message) as SesEvent | undefined
  return parsed as SesEvent
}

function tryParse(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json)
    return value && typeof value === 'object' ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}
