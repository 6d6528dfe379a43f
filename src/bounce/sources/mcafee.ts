import type { MailPart, ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// McAfee Email Gateway / Email and Web Security appliance. Its report is a multipart/mixed
// with two named text attachments (set-of-emails lhost-mcafee-*):
//
//   deliveryproblems.txt:
//       --- The following addresses had delivery problems ---
//   <kijitora@example.jp>   (5.1.1 <kijitora@example.jp>... User unknown)
//
//   deliverystatus.txt (message/delivery-status):
//   Original-Recipient: <kijitora@example.jp>
//   Action: failed
//   Diagnostic-Code: smtp; 550 5.1.1 <kijitora@example.jp>... User unknown
//   Remote-MTA: 192.0.2.248

// X-NAI-Header: Modified by McAfee Email and Web Security Virtual Appliance
const HEADER = 'x-nai-header'
const HEADER_MARK = 'mcafee'
// Subject: Delivery Status
const SUBJECT = 'delivery status'
const PROBLEMS_START = 'the following addresses had delivery problems'
// <kijitora@example.jp>   (5.1.1 <kijitora@example.jp>... User unknown)
const PROBLEM_LINE = /^<?([^\s<>]+@[^\s<>]+?)>?\s+\((.*)\)\s*$/

/** McAfee Email Gateway "Delivery Status" reports. */
export const mcafee: BounceSource = {
  name: 'McAfee',
  description: 'McAfee (Trellix) Email Gateway: https://www.trellix.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!(mail.headers.get(HEADER) ?? '').toLowerCase().includes(HEADER_MARK)) return undefined
    if (!factsOf(mail).subject.includes(SUBJECT) && !mail.deliveryStatus) return undefined

    // deliveryproblems.txt comes as an attachment at times, so it is not always in mail.text.
    const text = [mail.text, ...textParts(mail.root)].join('\n')
    const problems = new Map<string, string>()
    let listing = false
    for (const raw of text.split('\n')) {
      const line = raw.trim()
      if (line.toLowerCase().includes(PROBLEMS_START)) {
        listing = true
        continue
      }
      const match = listing ? PROBLEM_LINE.exec(line) : null
      if (match) problems.set(match[1].toLowerCase(), match[2])
    }

    const dsn = factsOf(mail).report
    const recipients: RawRecipient[] = dsn.recipients.map((fields) => ({
      recipient: fields.recipient,
      diagnosticCode: fields.diagnosticCode ?? problems.get(fields.recipient.toLowerCase()),
      status: fields.status,
      dsnAction: fields.action ?? 'failed',
      remoteMta: fields.remoteMta,
    }))
    if (recipients.length === 0) {
      for (const [recipient, diagnostic] of problems) recipients.push({ recipient, diagnosticCode: diagnostic, dsnAction: 'failed' })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}

function textParts(part: MailPart): string[] {
  if (part.parts.length === 0) return part.contentType === 'text/plain' ? [part.text] : []
  return part.parts.flatMap(textParts)
}
