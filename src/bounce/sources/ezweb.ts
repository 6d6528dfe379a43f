// au (KDDI) mobile mail, EZweb: "Mail System Error - Returned Mail" from Postmaster@ezweb.ne.jp
// (later Postmaster@au.com). A Japanese preamble (decoded from ISO-2022-JP), then an English
// explanation ("The user(s) account is disabled.", "Your message was not delivered within 0 days
// and 1 hours.", "Each of the following recipients was rejected by a remote mail server.") and
// the recipients: "<addr>", "<addr>: 550 user unknown (in reply to RCPT TO command)", or
// "Recipient: <addr>" with the session ">>> RCPT TO:<addr>" / "<<< 550 …".

import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient } from './types.ts'
import { commandAt } from './smtp-command.ts'
import { factsOf } from './mail-facts.ts'

// From: Mail Administrator <Postmaster@ezweb.ne.jp>
const AU_SENDERS = ['postmaster@ezweb.ne.jp', 'postmaster@au.com']
const SUBJECT = 'Mail System Error - Returned Mail'
// Message-ID: <…@…ezweb.ne.jp>  /  Received: from ezweb.ne.jp (EZweb Mail) with …
const AU_HOSTS = ['ezweb.ne.jp', '.au.com']
// English explanations au writes above the recipients.
const EXPLANATIONS = ['The user(s) account', 'Your message was not delivered within', 'Each of the following recipients was rejected']
// Your message was not delivered within 0 days and 1 hours.
const NOT_DELIVERED_WITHIN = 'Your message was not delivered within'
// X-SPASIGN: NG: au's own spam filter refused the message.
const SPAM_SIGN = 'ng'
// ------------------------------------------------- (50 dashes), or the returned message's part
const ORIGINAL = '-'.repeat(50)
// The English lines, as opposed to the Japanese preamble.
const ASCII_LINE = /^[\x20-\x7e]+$/

export const ezweb: BounceSource = {
  name: 'EZweb',
  description: 'au EZweb: https://www.au.com/mobile/service/mail/',
  inquire(mail) {
    const from = factsOf(mail).from
    const messageId = factsOf(mail).messageId
    const isAu = AU_SENDERS.some((sender) => from.includes(sender)) ||
      ((mail.headers.get('subject') ?? '') === SUBJECT && (AU_HOSTS.some((host) => messageId.includes(host)) ||
        factsOf(mail).received.some((r) => AU_HOSTS.some((host) => r.includes(host)))))
    if (!isAu) return undefined
    const end = mail.text.indexOf(ORIGINAL)
    const lines = (end === -1 ? mail.text : mail.text.slice(0, end)).split('\n')
    const explanation: string[] = []
    const blocks: { recipient: string; reply: string[]; command?: SmtpCommand }[] = []
    let isExplaining = false
    for (const raw of lines) {
      const line = raw.trim()
      if (!line) {
        isExplaining = false
        continue
      }
      // <this-local-part-does-not-exist-on-the-server@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)
      //     Recipient: <this-local-part-does-not-exist@ezweb.ne.jp>
      const recipient = /^(?:Recipient:\s*)?<([^>\s]+@[^>\s]+)>:?\s*(.*)$/.exec(line)
      if (recipient) {
        blocks.push({ recipient: recipient[1], reply: recipient[2] ? [recipient[2]] : [] })
        continue
      }
      const current = blocks[blocks.length - 1]
      //     >>> RCPT TO:<this-local-part-does-not-exist@ezweb.ne.jp>
      const sent = /^>>>\s*([A-Z]{4})/.exec(line)
      if (sent && current) {
        current.command = commandAt(sent[1])
        continue
      }
      //     <<< 550 <this-local-part-does-not-exist@ezweb.ne.jp>: User unknown
      if (line.startsWith('<<<') && current) {
        current.reply.push(line.slice(3).trim())
        continue
      }
      // Each of the following recipients was rejected by a remote
      // mail server.
      if (EXPLANATIONS.some((start) => line.startsWith(start))) {
        explanation.push(line)
        isExplaining = true
      } else if (isExplaining && ASCII_LINE.test(line)) {
        explanation[explanation.length - 1] += ' ' + line
      }
    }
    const isSpam = (mail.headers.get('x-spasign') ?? '').trim().toLowerCase() === SPAM_SIGN
    const isExpired = explanation.some((line) => line.startsWith(NOT_DELIVERED_WITHIN))
    const recipients: RawRecipient[] = blocks.map((block) => {
      const inReplyTo = /\(in reply to (\w+)/i.exec(block.reply.join(' '))?.[1].toUpperCase()
      return {
        recipient: block.recipient,
        diagnosticCode: [...explanation, ...block.reply].join(' ') || undefined,
        command: block.command ?? (inReplyTo ? commandAt(inReplyTo) : undefined),
        ...(isSpam ? { reason: 'filtered' as const } : isExpired ? { reason: 'expired' as const } : {}),
      }
    })
    return recipients.length > 0 ? { recipients } : undefined
  },
}
