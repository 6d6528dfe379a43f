import type { ParsedMail } from '../mail/index.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Digital Arts m-FILTER. The notice is Japanese (ISO-2022-JP or UTF-8), its section rulers
// are not (set-of-emails lhost-mfilter-*):
//
//   このメールは「m-FILTER」が自動的に生成して送信しています。
//   ...
//   以下のメールアドレスへの送信に失敗しました。
//   kijitora@example.com
//
//   -------server message
//   550 unknown user <kijitora@example.com>
//
//   -------SMTP command
//   DATA
//
//   -------original message          (or "-------original mail info")

// X-Mailer: m-FILTER
const X_MAILER = 'm-filter'
// Subject: failure notice
const SUBJECT = 'failure notice'
const SERVER_MESSAGE = '-------server message'
const SMTP_COMMAND = '-------smtp command'
const ORIGINAL_MARKS = ['-------original message', '-------original mail info']
const COMMANDS: readonly SmtpCommand[] = ['CONN', 'HELO', 'EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'QUIT']

const ADDRESS_LINE = /^<?([^\s<>()"',;:]+@[^\s<>()"',;:]+[^\s<>()"',;:.])>?$/

/** m-FILTER "failure notice" reports. */
export const mFilter: BounceSource = {
  name: 'mFILTER',
  description: 'Digital Arts m-FILTER: https://www.daj.jp/bs/mf/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (factsOf(mail).subject.trim() !== SUBJECT) return undefined
    const text = mail.text
    const lower = text.toLowerCase()
    // Other MTAs use "failure notice" too (qmail): the rulers and the X-Mailer tell m-FILTER apart.
    const isMFilter = factsOf(mail).xMailer === X_MAILER
    if (!lower.includes(SERVER_MESSAGE) || !(isMFilter || lower.includes(SMTP_COMMAND))) return undefined
    let end = lower.length
    for (const mark of ORIGINAL_MARKS) {
      const at = lower.indexOf(mark)
      if (at >= 0 && at < end) end = at
    }

    const addresses: string[] = []
    const server: string[] = []
    let command: SmtpCommand | undefined
    let section: 'head' | 'server' | 'command' = 'head'
    for (const raw of text.slice(0, end).split('\n')) {
      const line = raw.trim()
      const lowered = line.toLowerCase()
      if (lowered === SERVER_MESSAGE) {
        section = 'server'
        continue
      }
      if (lowered === SMTP_COMMAND) {
        section = 'command'
        continue
      }
      if (line === '') continue
      if (section === 'head') {
        const address = ADDRESS_LINE.exec(line)
        if (address) addresses.push(address[1])
      } else if (section === 'server') {
        server.push(line)
      } else {
        // DATA   (or "RCPT TO:<x>")
        command ??= COMMANDS.find((name) => line.toUpperCase().startsWith(name))
      }
    }
    const diagnostic = server.join(' ') || undefined
    const recipients: RawRecipient[] = addresses.map((recipient) => ({ recipient, diagnosticCode: diagnostic, command, dsnAction: 'failed' }))
    return recipients.length > 0 ? { recipients } : undefined
  },
}
