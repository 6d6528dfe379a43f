import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { noticeBefore } from './returned-message.ts'
import { factsOf } from './mail-facts.ts'

// Ipswitch (Progress) IMail Server. Its notice is plain text, one line per recipient, the
// returned message after "Original message follows." (set-of-emails lhost-imailserver-*):
//
//   Unknown user: kijitora@example.com
//   Delivery failed 20 attempts: kijitora@example.com
//   undeliverable to kijitora@example.jp
//   Body of message generated response:
//   550-REJECTED - Blacklisted URL in message. ...

// X-Mailer: <SMTP32 v8.22>
const X_MAILER = '<smtp32 v'
// Subject: Undeliverable Mail
const SUBJECT = 'undeliverable mail'
const ORIGINAL_MARK = 'original message follows.'

// The lines IMail writes before the remote reply, naming the command it answered.
const COMMAND_PHRASES: readonly (readonly [string, SmtpCommand])[] = [
  ['smtp connection failed,', 'CONN'],
  ['unexpected connection response from server:', 'CONN'],
  ['unexpected response to ehlo/helo:', 'EHLO'],
  ['server response to mail from:', 'MAIL'],
  ['additional rcpt to generated following response:', 'RCPT'],
  ['data command generated response:', 'DATA'],
  ['body of message generated response:', 'DATA'],
]
// IMail's own labels, written by IMail itself, not quoted from a remote reply: they are the
// format's reason (Sisimai's IMailServer reads the same labels the same way).
//   "Delivery failed 20 attempts: x": the queue gave up retrying.
//   "Unknown user: x", "Invalid final delivery userid: x": IMail's own lookup found no such mailbox.
//   "Unknown host: x": the domain does not resolve.
//   "User mailbox exceeds allowed size: x": the mailbox is over its quota.
const LABEL_REASONS: readonly (readonly [RegExp, Reason])[] = [
  [/^delivery failed \d+ attempts/i, 'expired'],
  [/^(?:unknown user|invalid final delivery userid)$/i, 'userunknown'],
  [/^unknown host$/i, 'hostunknown'],
  [/^user mailbox exceeds allowed size$/i, 'mailboxfull'],
]

// "Unknown user: kijitora@example.com"
const LABELED = /^(.+?):[ \t]*<?([^\s<>]+@[^\s<>]+?)>?\s*$/
// "undeliverable to kijitora@example.jp"
const UNDELIVERABLE = /^undeliverable\s+to\s+<?([^\s<>]+@[^\s<>]+?)>?\s*$/i

/** IMail Server "Undeliverable Mail" notices. */
export const imailServer: BounceSource = {
  name: 'IMailServer',
  description: 'Ipswitch IMail Server: https://www.imailserver.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const mailer = factsOf(mail).xMailer
    const subject = factsOf(mail).subject.trim()
    if (!mailer.startsWith(X_MAILER) && subject !== SUBJECT) return undefined
    const text = mail.text
    const lines = noticeBefore(text, [ORIGINAL_MARK]).split('\n')

    const found: { recipient: string; label?: string }[] = []
    const response: string[] = []
    let inResponse = false
    for (const raw of lines) {
      const line = raw.trim()
      if (inResponse) {
        if (line === '') {
          if (response.length > 1) inResponse = false
          continue
        }
        response.push(line)
        continue
      }
      if (COMMAND_PHRASES.some(([phrase]) => line.toLowerCase().startsWith(phrase))) {
        response.push(line)
        inResponse = true
        continue
      }
      const undeliverable = UNDELIVERABLE.exec(line)
      if (undeliverable) {
        found.push({ recipient: undeliverable[1] })
        continue
      }
      const labeled = LABELED.exec(line)
      // "To: shironeko@example.org" of the copied header fields is no recipient line.
      if (labeled && !/^(to|cc|from|sender|reply-to)$/i.test(labeled[1])) found.push({ recipient: labeled[2], label: labeled[1] })
    }
    if (found.length === 0) return undefined

    const responseText = response.join(' ').replace(/\s+/g, ' ').trim()
    const lowered = responseText.toLowerCase()
    const command = COMMAND_PHRASES.find(([phrase]) => lowered.startsWith(phrase))?.[1]
    const recipients: RawRecipient[] = found.map(({ recipient, label }) => ({
      recipient,
      diagnosticCode: [label, responseText].filter(Boolean).join(' ') || undefined,
      command,
      reason: label === undefined ? undefined : LABEL_REASONS.find(([pattern]) => pattern.test(label.trim()))?.[1],
      dsnAction: 'failed',
    }))
    return { recipients }
  },
}
