// An unnamed MTA (Sisimai's X1): "Returned Mail: …" from "Mail Deliver System", one line per
// recipient with the reason in brackets:
//   "---The following addresses had delivery errors---"
//   "kijitora@example.jp [User unknown]"
// The delay variant's subject is "Warning--Could not send mail for past 8.5 hours".
import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const FROM_MARK = 'mail deliver system'
const SUBJECTS: readonly string[] = ['returned mail: ', 'warning--could not send mail for past']
const LIST_START = '---the following addresses had delivery errors---'
// "kijitora@example.jp [User unknown]"
const RECIPIENT_LINE = /^<?([^<>\s[\]]+@[^<>\s[\]]+)>?\s+\[(.*)\]\s*$/

export const x1: BounceSource = {
  name: 'X1',
  description: 'Unknown MTA #1 ("---The following addresses had delivery errors---")',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const from = factsOf(mail).from
    const subject = factsOf(mail).subject
    if (!from.includes(FROM_MARK) || !SUBJECTS.some((wanted) => subject.startsWith(wanted))) return undefined
    const recipients: RawRecipient[] = []
    let listing = false
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      if (!listing) {
        listing = line.toLowerCase() === LIST_START
        continue
      }
      const found = RECIPIENT_LINE.exec(line)
      if (found) recipients.push({ recipient: found[1], diagnosticCode: found[2].trim(), dsnAction: 'failed' })
      else if (line && recipients.length > 0) break
    }
    return { recipients }
  },
}
