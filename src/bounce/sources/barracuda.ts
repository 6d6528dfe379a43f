import type { ParsedMail } from '../mail/index.ts'
import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Barracuda Email Security Gateway (the Spam & Virus Firewall; amavis inside). Its reports
// are RFC 3464 multipart/reports; the text part names the filter
// (set-of-emails lhost-barracuda-*):
//
//   Subject: **Message you sent blocked by our bulk email filter**
//   Your message to: kijitora@example.jp
//   was blocked by our Spam & Virus Firewall. ...
//
//   Final-Recipient: rfc822; kijitora@example.jp
//   Status: 5.7.1
//   Diagnostic-Code: smtp; 550 5.7.1 Message content rejected, UBE, id=22220-02-222

const SUBJECT_MARKS = ['message you sent blocked by our bulk email filter', 'message you sent blocked by our spam']
const TEXT_MARKS = ['spam & virus firewall', 'barracuda email security', 'barracuda spam firewall']

/** Barracuda "blocked by our bulk email filter" reports. */
export const barracuda: BounceSource = {
  name: 'Barracuda',
  description: 'Barracuda Email Security Gateway: https://www.barracuda.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const subject = factsOf(mail).subject
    if (!mail.deliveryStatus) return undefined
    if (!SUBJECT_MARKS.some((mark) => subject.includes(mark))) {
      const lower = factsOf(mail).text
      if (!TEXT_MARKS.some((mark) => lower.includes(mark))) return undefined
    }
    const dsn = factsOf(mail).report
    const recipients: RawRecipient[] = dsn.recipients.map((fields) => ({ ...rawFromDsn(fields, dsn), dsnAction: fields.action ?? 'failed' }))
    return recipients.length > 0 ? { recipients } : undefined
  },
}
