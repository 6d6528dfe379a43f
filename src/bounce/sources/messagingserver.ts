import type { ParsedMail } from '../mail/index.ts'
import { parseDeliveryStatus } from './delivery-status.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Oracle Communications Messaging Server, formerly Sun Java System Messaging Server,
// iPlanet and PMDF (iCloud's mac.com/me.com mail runs on it). Its notice
// (set-of-emails lhost-messagingserver-*):
//
//   This report relates to a message you sent with the following header fields:
//     ...
//   Your message cannot be delivered to the following recipients:
//
//     Recipient address: kijitora@example.jp
//     Reason: Remote SMTP server has rejected address
//     Diagnostic code: smtp;550 5.1.1 <kijitora@example.jp>... User Unknown
//     Remote system: dns;mx.example.jp (TCP|17.111.174.67|47323|192.0.2.225|25) (6jo.example.jp ESMTP SENDMAIL-VM)
//
// then a delivery-status part whose Status carries the same reason in parentheses:
// "Status: 5.1.1 (Remote SMTP server has rejected address)".

// Content-type: multipart/report; report-type=delivery-status; boundary="Boundary_(ID_jGsPxQIjNdbqCL1Qm+tO3g)"
const BOUNDARY_MARK = 'boundary_(id_'
// Subject: Delivery Notification: Delivery has failed
const SUBJECT = 'delivery notification: '
const REPORT_START = 'this report relates to a message you sent'

// Its canned "Reason:" texts that name the SMTP command the remote host refused. Only
// "Server rejected MAIL FROM address" names one: "Remote SMTP server has rejected address"
// says the address was refused, not at which step of the session, so it claims no command
// (Sisimai's MessagingServer reads none from it either).
const COMMAND_OF_REASON: readonly (readonly [string, SmtpCommand])[] = [
  ['server rejected mail from address', 'MAIL'],
]

/** Messaging Server / PMDF "Delivery Notification" reports. */
export const messagingServer: BounceSource = {
  name: 'MessagingServer',
  description: 'Oracle Communications Messaging Server: https://docs.oracle.com/en/industries/communications/messaging-server/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const contentType = factsOf(mail).contentType
    const subject = factsOf(mail).subject
    if (!contentType.includes(BOUNDARY_MARK) && !subject.startsWith(SUBJECT)) return undefined
    const text = mail.text
    const lower = text.toLowerCase()
    const start = lower.indexOf(REPORT_START)
    if (start < 0) return undefined

    const found: { recipient: string; reason?: string; diagnostic?: string; remote?: string }[] = []
    for (const raw of text.slice(start).split('\n')) {
      const line = raw.trim()
      const colon = line.indexOf(':')
      if (colon < 0 || !(raw.startsWith(' ') || raw.startsWith('\t'))) continue
      const label = line.slice(0, colon).toLowerCase()
      const value = line.slice(colon + 1).trim()
      const current = found[found.length - 1]
      switch (label) {
        // Recipient address: kijitora@example.jp   (or "@smtp.example.net:kijitora@server")
        case 'recipient address':
        case 'original address': {
          const address = value.slice(value.lastIndexOf(':') + 1).replace(/^<|>$/g, '')
          if (!address.includes('@')) break
          if (current && label === 'original address' && current.recipient === address) break
          found.push({ recipient: address })
          break
        }
        // Reason: Remote SMTP server has rejected address
        case 'reason':
          if (current) current.reason = value
          break
        // Diagnostic code: smtp;550 5.1.1 <kijitora@example.jp>... User Unknown
        case 'diagnostic code':
          if (current) current.diagnostic = value.slice(value.indexOf(';') + 1).trim()
          break
        // Remote system: dns;mx.example.jp (TCP|17.111.174.67|47323|192.0.2.225|25) (...)
        case 'remote system':
          if (current) current.remote = value.slice(value.indexOf(';') + 1).trim().split(/[ (]/)[0] || undefined
          break
      }
    }

    // A broken report carries its delivery-status block inside the text.
    const dsn = parseDeliveryStatus(mail.deliveryStatus ?? text)
    const recipients: RawRecipient[] = found.map((one) => {
      const fields = dsn.recipients.find((each) => each.recipient.toLowerCase() === one.recipient.toLowerCase())
      const reason = (one.reason ?? '').toLowerCase()
      return {
        recipient: one.recipient,
        diagnosticCode: one.diagnostic ?? fields?.diagnosticCode ?? one.reason,
        status: fields?.status,
        dsnAction: fields?.action ?? 'failed',
        command: COMMAND_OF_REASON.find(([phrase]) => reason.startsWith(phrase))?.[1],
        remoteMta: one.remote ?? fields?.remoteMta,
        reportingMta: dsn.reportingMta,
        arrivalDate: dsn.arrivalDate,
      }
    })
    return recipients.length > 0 ? { recipients } : undefined
  },
}
