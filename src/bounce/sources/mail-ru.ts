// Mail.Ru: "Ваше сообщение не доставлено. Mail failure." from mailer-daemon@…mail.ru. Its
// servers run Exim: the notice says it twice, in Russian then in English ("The following
// address(es) failed:"), each recipient on a line indented by two spaces and Exim's reason
// under it, indented further ("SMTP error from remote mail server after RCPT TO:<…>: host …: 550 …").

import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient } from './types.ts'

// From: mailer-daemon@corp.mail.ru
const MAILRU_SENDER = /mailer-daemon@(?:[a-z0-9-]+\.)*mail\.ru/i
// The following address(es) failed:  /  К сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:
const ENGLISH_START = 'The following address(es) failed:'
const RUSSIAN_START = 'одному или нескольким получателям:'
// ------ This is a copy of the message, including all the headers. ------
const ORIGINAL = '------ This is a copy of the message'
// SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:
// SMTP error from remote mail server after end of data:
// SMTP error from remote mail server after MAIL FROM:<azumakuniyuki@mail.example.ru> SIZE=2779:
const AFTER_COMMAND: readonly (readonly [string, SmtpCommand])[] = [
  ['after rcpt to', 'RCPT'], ['after mail from', 'MAIL'], ['after end of data', 'DATA'], ['after data', 'DATA'],
  ['after ehlo', 'EHLO'], ['after helo', 'HELO'], ['after initial connection', 'CONN'], ['after starttls', 'TLS'],
]
// host mx.example.jp [192.0.2.222]: 550 5.1.1 <kijitora@example.jp>... User Unknown
const REMOTE_HOST = /host (\S+) \[[0-9A-Fa-f.:]+\]/

export const mailRu: BounceSource = {
  name: 'MailRu',
  description: 'Mail.Ru: https://mail.ru',
  inquire(mail) {
    if (!MAILRU_SENDER.test(mail.headers.get('from') ?? '')) return undefined
    const text = mail.text
    let start = text.indexOf(ENGLISH_START)
    if (start === -1) start = text.indexOf(RUSSIAN_START)
    if (start === -1) return undefined
    const end = text.indexOf(ORIGINAL, start)
    const blocks: { recipient: string; lines: string[] }[] = []
    for (const line of text.slice(start, end === -1 ? undefined : end).split('\n').slice(1)) {
      if (!line.trim()) {
        if (blocks.length > 0 && blocks[blocks.length - 1].lines.length > 0) break
        continue
      }
      //   kijitora@example.jp
      //     SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:
      const indent = line.length - line.trimStart().length
      if (indent <= 2 && line.includes('@') && !line.trim().includes(' ')) {
        blocks.push({ recipient: line.trim().replace(/^<|>$/g, ''), lines: [] })
      } else if (blocks.length > 0) {
        blocks[blocks.length - 1].lines.push(line.trim())
      }
    }
    const recipients: RawRecipient[] = blocks.map((block) => {
      const diagnosticCode = block.lines.join(' ')
      const lower = diagnosticCode.toLowerCase()
      const command = AFTER_COMMAND.find(([words]) => lower.includes(words))?.[1]
      return { recipient: block.recipient, diagnosticCode, command, remoteMta: REMOTE_HOST.exec(diagnosticCode)?.[1] }
    })
    return recipients.length > 0 ? { recipients } : undefined
  },
}
