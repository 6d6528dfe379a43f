// An unnamed MTA (Sisimai's X3): "Delivery status notification" framed by lines of "=":
//   "      This is an automatically generated Delivery Status Notification.      "
//   "Delivery to the following recipients failed permanently:"
//   "   * kijitora@example.jp"
//   "                             Technical details:                             "
//   "SMTP:RCPT host 192.0.2.8: 553 5.3.0 <kijitora@example.jp>... No such user here"
// ("Delevery" is misspelt in some versions.)
import type { ParsedMail } from '../mail/index.ts'
import { commandAt } from './smtp-command.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const SUBJECT = 'delivery status notification'
const INTRO = 'this is an automatically generated delivery status notification.'
// "Delivery to the following recipients failed permanently:"
const LIST_START = /^del[ie]very to the following recipients? (failed permanently|has been delayed|was delayed)/i
// "   * kijitora@example.jp"
const RECIPIENT_LINE = /^\*\s+<?([^<>\s]+@[^<>\s]+?)>?$/
// "SMTP:RCPT host 192.0.2.8: 553 5.3.0 …"
const DETAIL_LINE = /^SMTP:(\S+)\s+host\s+(\S+?):\s*(.*)$/i

export const x3: BounceSource = {
  name: 'X3',
  description: 'Unknown MTA #3 ("This is an automatically generated Delivery Status Notification.")',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const subject = factsOf(mail).subject
    if (!subject.startsWith(SUBJECT) || !factsOf(mail).text.includes(INTRO)) return undefined
    const addresses: string[] = []
    let delayed = false
    let listing = false
    let detail: RegExpExecArray | null = null
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      const start = LIST_START.exec(line)
      if (start) {
        listing = true
        delayed = !start[1].toLowerCase().startsWith('failed')
        continue
      }
      const found = listing ? RECIPIENT_LINE.exec(line) : null
      if (found) addresses.push(found[1])
      detail ??= DETAIL_LINE.exec(line)
    }
    const dsn = factsOf(mail).report
    const recipients: RawRecipient[] = addresses.map((recipient) => {
      const fields = dsn.recipients.find((each) => each.recipient.toLowerCase() === recipient.toLowerCase())
      return {
        recipient,
        diagnosticCode: detail ? `host ${detail[2]}: ${detail[3]}` : fields?.diagnosticCode,
        status: fields?.status,
        command: detail ? commandAt(detail[1]) : undefined,
        remoteMta: detail?.[2] ?? fields?.remoteMta,
        dsnAction: fields?.action ?? (delayed ? 'delayed' : 'failed'),
      }
    })
    return { recipients }
  },
}
