// Yahoo! Mail (and AOL, on the same platform): "Failure Notice" from MAILER-DAEMON, text only:
// "Sorry, we were unable to deliver your message to the following address.", then per
// recipient "<addr>:" and the remote reply, the failed command in brackets ("[RCPT_TO]"), and
// "--- Below this line is a copy of the message.".

import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

const NOTICE = 'Sorry, we were unable to deliver your message to the following address'
const ORIGINAL = '--- Below this line is a copy of the message.'
// Remote host said: 550 5.2.2 <kijitora@example.ed.jp>... Mailbox Full [RCPT_TO]
const COMMAND_TAGS: Readonly<Record<string, SmtpCommand>> = {
  '[rcpt_to]': 'RCPT', '[mail_from]': 'MAIL', '[data]': 'DATA', '[body]': 'DATA', '[ehlo]': 'EHLO', '[helo]': 'HELO',
}
// 550: 5.1.1 <userunknown@cubicroot.jp>... User Unknown
const CODE_COLON = /^([245]\d\d):\s*/

export const yahoo: BounceSource = {
  name: 'Yahoo',
  description: 'Yahoo! Mail: https://mail.yahoo.com',
  inquire(mail) {
    if (!factsOf(mail).subject.startsWith('failure notice')) return undefined
    const start = mail.text.indexOf(NOTICE)
    if (start === -1) return undefined
    const end = mail.text.indexOf(ORIGINAL, start)
    const recipients: RawRecipient[] = []
    let current: { recipient: string; lines: string[] } | undefined
    const blocks: NonNullable<typeof current>[] = []
    for (const line of mail.text.slice(start, end === -1 ? undefined : end).split('\n').slice(1)) {
      // <kijitora@example.ed.jp>:
      const address = /^<([^>\s]+@[^>\s]+)>:\s*$/.exec(line.trim())
      if (address) {
        current = { recipient: address[1], lines: [] }
        blocks.push(current)
      } else if (current && line.trim()) {
        current.lines.push(line.trim())
      }
    }
    for (const block of blocks) {
      let text = block.lines.join(' ').replace(/^Remote host said:\s*/i, '')
      const lower = text.toLowerCase()
      const tag = Object.keys(COMMAND_TAGS).find((key) => lower.includes(key))
      const code = CODE_COLON.exec(text)
      if (code) text = `${code[1]} ${text.slice(code[0].length)}`
      recipients.push({ recipient: block.recipient, diagnosticCode: text, replyCode: code?.[1], command: tag ? COMMAND_TAGS[tag] : undefined })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
