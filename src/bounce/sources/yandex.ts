// Yandex.Mail: "Недоставленное сообщение" from mailer-daemon@yandex.ru. Its servers run Postfix:
// a Russian preamble, then Postfix's English notice ("This is the mail system at host
// yandex.ru.") with one paragraph per recipient, "<addr>: host mx.example.jp[192.0.2.153] said:
// 550 … (in reply to RCPT TO command)", and a delivery-status part (X-Yandex-Queue-ID).

import type { SmtpCommand } from '../verdict.ts'
import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: mailer-daemon@yandex.ru
const YANDEX_SENDER = /mailer-daemon@(?:[a-z0-9-]+\.)*yandex\.(?:ru|com|net|ua|by|kz)/i
// (in reply to RCPT TO command)  /  (in reply to end of DATA command)
const IN_REPLY_TO = /\(in reply to (.+?) command\)/i
const COMMANDS: readonly (readonly [string, SmtpCommand])[] = [
  ['rcpt', 'RCPT'], ['mail', 'MAIL'], ['data', 'DATA'], ['ehlo', 'EHLO'], ['helo', 'HELO'], ['starttls', 'TLS'],
]

export const yandex: BounceSource = {
  name: 'Yandex',
  description: 'Yandex.Mail: https://mail.yandex.com',
  inquire(mail) {
    const isYandex = YANDEX_SENDER.test(mail.headers.get('from') ?? '') || (mail.deliveryStatus ?? '').includes('X-Yandex-Queue-ID')
    if (!isYandex) return undefined
    const report = factsOf(mail).report
    if (report.recipients.length === 0) return undefined
    const paragraphs = mail.text.split(/\n\s*\n/).map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    return {
      recipients: report.recipients.map((fields) => {
        const raw = rawFromDsn(fields, report)
        // <mikeneko@example.jp>: host mx.example.jp[192.0.2.153] said: 550 5.2.1 <mikeneko@example.jp>... User Unknown (in reply to RCPT TO command)
        const paragraph = paragraphs.find((p) => p.toLowerCase().startsWith(`<${raw.recipient.toLowerCase()}>:`))
        const inReplyTo = paragraph ? IN_REPLY_TO.exec(paragraph)?.[1].toLowerCase() : undefined
        const command = inReplyTo ? COMMANDS.find(([word]) => inReplyTo.includes(word))?.[1] : undefined
        const said = paragraph ? paragraph.slice(paragraph.indexOf(':') + 1).trim() : undefined
        return { ...raw, diagnosticCode: said ?? raw.diagnosticCode, command }
      }),
    }
  },
}
