// GMX (and WEB.DE, mail.com, 1&1 IONOS: United Internet's mail platform): "Mail delivery failed:
// returning message to sender", text only, Exim-like wording. Each failed recipient is a line
// ending in a colon ("\"shironeko@example.jp\":" at GMX, "xxxx@xxxx.fr:" at 1&1), followed by
// the failed command, the remote host and its reply, then "--- The header of the original
// message is following. ---". eins-und-eins.ts reads 1&1's notices with the same reader.

import type { ParsedMail } from '../mail/index.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'

// From: MAILER-DAEMON@mail.gmx.com
const GMX_SENDER = /mailer-daemon@(?:[a-z0-9-]+\.)*(?:gmx\.[a-z.]+|web\.de|mail\.com)\b/i
// A message that you sent could not be delivered to one or more of
// its recipients. This is a permanent error. The following address
// failed:
const FAILED_START = /following address(?:\(es\))?\s+failed:/
const ORIGINAL = '--- The header of the original message is following. ---'
// "shironeko@example.jp":  /  xxxx@xxxx.fr:
const RECIPIENT_LINE = /^"?([^"\s]+@[^"\s]+?)"?:$/
// SMTP error from remote server after RCPT command:
// SMTP error from remote server for TEXT command, host: smtp-in.orange.fr (193.252.22.65) reason: 550 5.2.0 …
const COMMAND_WORD = /(?:after|for) (\w+) command/i
const COMMANDS: Readonly<Record<string, SmtpCommand>> = {
  rcpt: 'RCPT', mail: 'MAIL', data: 'DATA', text: 'DATA', ehlo: 'EHLO', helo: 'HELO', connect: 'CONN', starttls: 'TLS',
}
// host: mx.example.jp  /  host: smtp-in.orange.fr (193.252.22.65) reason: 550 …
const HOST = /host:\s*(\S+)/i
const REASON = /\breason:\s*(.+)$/i

export const gmx: BounceSource = {
  name: 'GMX',
  description: 'GMX: https://www.gmx.net',
  inquire(mail) {
    if (!GMX_SENDER.test(mail.headers.get('from') ?? '')) return undefined
    return readFailedAddresses(mail)
  },
}

/** The recipients of a United Internet (GMX, WEB.DE, 1&1) "Mail delivery failed" notice. */
export function readFailedAddresses(mail: ParsedMail): SourceResult | undefined {
  const match = FAILED_START.exec(mail.text)
  if (!match) return undefined
  const start = match.index + match[0].length
  const end = mail.text.indexOf(ORIGINAL, start)
  const blocks: { recipient: string; lines: string[] }[] = []
  for (const raw of mail.text.slice(start, end === -1 ? undefined : end).split('\n')) {
    const line = raw.trim()
    const recipient = RECIPIENT_LINE.exec(line)
    if (recipient) blocks.push({ recipient: recipient[1], lines: [] })
    else if (line && blocks.length > 0) blocks[blocks.length - 1].lines.push(line)
  }
  const recipients = blocks.map((block): RawRecipient => {
    const all = block.lines.join(' ')
    const command = COMMAND_WORD.exec(all)?.[1].toLowerCase()
    // The remote reply: after "reason:", else the lines that are neither the SMTP-error line nor "host:".
    const reply = REASON.exec(all)?.[1] ??
      block.lines.filter((line) => !line.startsWith('SMTP error') && !/^host:/i.test(line)).join(' ')
    return {
      recipient: block.recipient,
      diagnosticCode: reply || all,
      command: command ? COMMANDS[command] : undefined,
      remoteMta: HOST.exec(all)?.[1],
      dsnAction: 'failed',
    }
  })
  return recipients.length > 0 ? { recipients } : undefined
}
