// OpenSMTPD bounces ("Delivery status notification: error|failed|delayed"):
//   "    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail."
//   "    An error has occurred while attempting to deliver a message for"
//   "    the following list of recipients:"
//   "kijitora@example.jp: 550 5.1.1 <kijitora@example.jp>... User Unknown"
//   "    Below is a copy of the original message:"
// Wording: OpenSMTPD usr.sbin/smtpd/bounce.c (NOTICE_INTRO, notice_error, notice_warning)
// and queue.c ("Envelope expired").
import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const SUBJECT = 'delivery status notification'
const RECEIVED_MARK = '(OpenSMTPD)'
const INTRO = 'this is the mailer-daemon, please do not reply to this e'
/** bounce.c: the failure notice lists recipients after this; the delay warning after "for the following". */
const LIST_START = 'list of recipients:'
const ENDS: readonly string[] = ['below is a copy of the original message', 'please note that this is only a temporary failure report']
/** queue.c when the envelope outlived its expiry. */
const EXPIRED_PHRASE = 'envelope expired'
// "kijitora@example.jp: 550 5.1.1 …"
const RECIPIENT_LINE = /^<?([^<>\s:]+@[^<>\s:]+)>?:\s*(.*)$/

export const opensmtpd: BounceSource = {
  name: 'OpenSMTPD',
  description: 'OpenSMTPD: https://www.opensmtpd.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const subject = factsOf(mail).subject
    const byOpenSmtpd = factsOf(mail).received.some((line) => line.includes(RECEIVED_MARK))
    if (!subject.startsWith(SUBJECT) && !byOpenSmtpd) return undefined
    const lowered = factsOf(mail).text
    if (!lowered.includes(INTRO)) return undefined
    const isDelay = subject.endsWith(': delayed') || lowered.includes('a message is delayed for')
    const recipients: RawRecipient[] = []
    let listing = false
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      const loweredLine = line.toLowerCase()
      if (!listing) {
        listing = loweredLine.endsWith(LIST_START)
        continue
      }
      if (ENDS.some((end) => loweredLine.startsWith(end))) break
      const found = RECIPIENT_LINE.exec(line)
      if (!found) continue
      const diagnosticCode = found[2].trim()
      const expired = diagnosticCode.toLowerCase().startsWith(EXPIRED_PHRASE)
      recipients.push({
        recipient: found[1],
        diagnosticCode,
        reason: expired ? 'expired' : undefined,
        dsnAction: isDelay && !expired ? 'delayed' : 'failed',
      })
    }
    return { recipients }
  },
}
