import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// MailFoundry (appliance). The notice (set-of-emails lhost-mailfoundry-*):
//
//   Unable to deliver message to: <kijitora@example.org>
//   Delivery failed for the following reason:
//   mail.example.org[192.0.2.222] responded with failure: 552 sorry, mailbox kijitora@example.org is over quota temporarily (#5.1.1)
//
//   This has been a permanent failure. No further delivery attempts will be made.

// Subject: Message delivery has failed
const SUBJECT = 'message delivery has failed'
// Received: From localhost (127.0.0.1) by mx3.example.org (MAILFOUNDRY) id 0000000+00000000;
const RECEIVED_MARK = '(mailfoundry)'
const RECIPIENT_LINE = /^Unable to deliver message to:\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$/i
const REASON_START = 'delivery failed for the following reason:'

/** MailFoundry "Message delivery has failed" notices. */
export const mailFoundry: BounceSource = {
  name: 'MailFoundry',
  description: 'MailFoundry: https://www.mailfoundry.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (factsOf(mail).subject.trim() !== SUBJECT) return undefined
    if (!factsOf(mail).receivedLower.some((line) => line.includes(RECEIVED_MARK))) return undefined

    const recipients: { recipient: string; lines: string[] }[] = []
    let reading = false
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      const address = RECIPIENT_LINE.exec(line)
      if (address) {
        recipients.push({ recipient: address[1], lines: [] })
        reading = false
        continue
      }
      const current = recipients[recipients.length - 1]
      if (!current) continue
      if (line.toLowerCase() === REASON_START) {
        reading = true
        continue
      }
      if (line === '') {
        reading = false
        continue
      }
      if (reading) current.lines.push(line)
    }
    const result: RawRecipient[] = recipients.map(({ recipient, lines }) => {
      const text = lines.join(' ')
      // mail.example.org[192.0.2.222] responded with failure: 552 sorry, ...
      const remote = /^([^\s[]+)\[[^\]]*\] responded with/.exec(text)?.[1]
      return { recipient, diagnosticCode: text || undefined, dsnAction: 'failed', remoteMta: remote }
    })
    return result.length > 0 ? { recipients: result } : undefined
  },
}
