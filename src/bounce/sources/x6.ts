// An unnamed MTA (Sisimai's X6): "There was an error sending your mail", the failure on one line:
//   "We had trouble delivering your message. Full details follow:"
//   "The following recipients returned permanent errors: kijitora@example.jp. Reason: SMTP
//    Server <192.0.2.1> refused to accept your message (DATA), with the following error text: 550 …"
import type { ParsedMail } from '../mail/index.ts'
import { commandAt } from './smtp-command.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const INTRO = 'we had trouble delivering your message.'
// "The following recipients returned permanent errors: a@example.jp, b@example.jp. Reason: …"
const FAILURE_LINE = /^The following recipients? returned (permanent|temporary) errors?:\s*(.+?)\.\s+Reason:\s*(.*)$/i
// "refused to accept your message (DATA)"
const STAGE = /\(([A-Z ]+)\)/
// "SMTP Server <192.0.2.1>"
const SERVER = /SMTP Server <([^>]+)>/i

export const x6: BounceSource = {
  name: 'X6',
  description: 'Unknown MTA #6 ("We had trouble delivering your message.")',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!factsOf(mail).head(2000).includes(INTRO)) return undefined
    const recipients: RawRecipient[] = []
    for (const raw of mail.text.split('\n')) {
      const found = FAILURE_LINE.exec(raw.trim())
      if (!found) continue
      const reason = found[3].trim()
      const stage = STAGE.exec(reason)?.[1]
      for (const address of found[2].split(/[,\s]+/)) {
        if (!address.includes('@')) continue
        recipients.push({
          recipient: address.replace(/^<|>$/g, ''),
          diagnosticCode: reason,
          command: stage ? commandAt(stage) : undefined,
          remoteMta: SERVER.exec(reason)?.[1],
          dsnAction: found[1].toLowerCase() === 'permanent' ? 'failed' : 'delayed',
        })
      }
    }
    return { recipients }
  },
}
