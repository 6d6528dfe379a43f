import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Trustwave Secure Email Gateway, formerly MailMarshal SMTP. The notice
// (set-of-emails lhost-mailmarshal-*):
//
//   Your message:
//      From:    sironeko@example.com
//      Subject: Nyaan
//
//   Could not be delivered because of
//
//   550 5.1.1 User unknown
//
//   The following recipients were affected:
//       kijitora@nyaan.example.com
//
//   Additional Information
//   ======================
//   Original Sender:    <sironeko@example.com>
//   Sender-MTA:         <192.0.2.250>
//   Remote-MTA:         <203.0.113.2>
//   Reporting-MTA:      <rr1.example.com>
//   Last-Attempt-Date:  <23:34:45 qui, 29 Abril 2015>

// Subject: Undeliverable Mail: "Nyaan"
const SUBJECT = 'undeliverable mail: "'
// Received: from MailMarshal.Sender ([127.0.0.1]) by rr1.example.com
const RECEIVED_MARK = 'mailmarshal'
const ERROR_START = 'could not be delivered because of'
const RECIPIENTS_START = 'the following recipients were affected:'
const ADDITIONAL_START = 'additional information'

/** MailMarshal "Undeliverable Mail" notices. */
export const mailMarshal: BounceSource = {
  name: 'MailMarshal',
  description: 'Trustwave Secure Email Gateway (MailMarshal SMTP): https://www.trustwave.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const subject = factsOf(mail).subject
    const received = factsOf(mail).receivedLower.some((line) => line.includes(RECEIVED_MARK))
    if (!subject.startsWith(SUBJECT) && !received) return undefined
    const text = mail.text
    const lower = text.toLowerCase()
    const errorAt = lower.indexOf(ERROR_START)
    const listAt = lower.indexOf(RECIPIENTS_START)
    if (errorAt < 0 || listAt < errorAt) return undefined

    const diagnostic = text.slice(errorAt + ERROR_START.length, listAt).split('\n').map((line) => line.trim()).filter(Boolean).join(' ')
    const additionalAt = lower.indexOf(ADDITIONAL_START, listAt)
    const list = text.slice(listAt + RECIPIENTS_START.length, additionalAt < 0 ? text.length : additionalAt)
    const additional = additionalAt < 0 ? '' : text.slice(additionalAt)
    // Remote-MTA:			<203.0.113.2>
    const field = (name: string) => new RegExp(`^${name}:\\s*<([^>]*)>`, 'im').exec(additional)?.[1] || undefined

    const recipients: RawRecipient[] = []
    for (const line of list.split('\n')) {
      const address = /^\s+<?([^\s<>]+@[^\s<>]+?)>?\s*$/.exec(line)
      if (!address) continue
      recipients.push({
        recipient: address[1],
        diagnosticCode: diagnostic || undefined,
        dsnAction: 'failed',
        remoteMta: field('Remote-MTA'),
        reportingMta: field('Reporting-MTA'),
        lastAttemptDate: field('Last-Attempt-Date'),
      })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
