// Courier MTA DSNs ("NOTICE: mail delivery status."): a text part
//   "This is a delivery status notification from HOST,"
//   "running the Courier mail server, version 0.65.2."
//   "Your message to the following recipients cannot be delivered:"
//   "<kijitora@example.jp>:"
//   "    mx.example.jp [192.0.2.1]:"
//   ">>> RCPT TO:<kijitora@example.jp>"
//   "<<< 550 5.1.1 User unknown"
// then a message/delivery-status part. Wording: courier/module.dsn/dsn.c and the
// courier.msg templates (UNDELIVERABLE MAIL, DELAYS IN DELIVERING YOUR MESSAGE).
import type { ParsedMail } from '../mail/index.ts'
import type { SmtpCommand } from '../verdict.ts'
import { fullestDiagnostic } from './delivery-status.ts'
import { commandAt } from './smtp-command.ts'
import type { BounceSource, DsnAction, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const SIGNATURE = 'running the courier mail server'
/** The templates' lead-ins: failure, delay and success ("cannot be delivered", "has not been delivered", "was successfully delivered"). */
const LEAD_INS: readonly (readonly [string, DsnAction])[] = [
  ['your message to the following recipients cannot be delivered:', 'failed'],
  ['your message to the following recipients has not been delivered', 'delayed'],
  ['your message to the following recipients was successfully delivered', 'delivered'],
]
// "<kijitora@example.jp>:" opens a recipient's lines; a line of dashes ends them
const RECIPIENT_LINE = /^<([^<>\s]+)>:\s*$/
// "    mx.example.jp [192.0.2.1]:"
const HOST_LINE = /^(\S+)\s+\[[^\]]+\]:\s*$/

interface Paragraph {
  host?: string
  command?: SmtpCommand
  replies: string[]
}

export const courier: BounceSource = {
  name: 'Courier',
  description: 'Courier Mail Server: https://www.courier-mta.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const lowered = factsOf(mail).text
    const byCourier = lowered.slice(0, 1000).includes(SIGNATURE) || (mail.headers.get('message-id') ?? '').includes('courier')
    if (!byCourier) return undefined
    const lead = LEAD_INS.find(([words]) => lowered.includes(words))
    const paragraphs = readParagraphs(mail.text)
    const dsn = factsOf(mail).report
    const addresses = dsn.recipients.length > 0 ? dsn.recipients.map((fields) => fields.recipient) : [...paragraphs.keys()]
    const recipients: RawRecipient[] = addresses.map((address) => {
      const fields = dsn.recipients.find((each) => each.recipient === address)
      const paragraph = paragraphs.get(address.toLowerCase())
      return {
        recipient: address,
        diagnosticCode: fullestDiagnostic(paragraph?.replies.join(' '), fields?.diagnosticCode),
        status: fields?.status,
        dsnAction: fields?.action ?? lead?.[1],
        command: paragraph?.command,
        remoteMta: paragraph?.host ?? fields?.remoteMta,
        reportingMta: dsn.reportingMta,
      }
    })
    return { recipients }
  },
}

function readParagraphs(text: string): Map<string, Paragraph> {
  const paragraphs = new Map<string, Paragraph>()
  let current: Paragraph | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('-----')) {
      current = undefined
      continue
    }
    const start = RECIPIENT_LINE.exec(line)
    if (start) {
      current = { replies: [] }
      paragraphs.set(start[1].toLowerCase(), current)
      continue
    }
    if (!current) continue
    const host = HOST_LINE.exec(line)
    if (host) current.host = host[1]
    else if (line.startsWith('>>>')) current.command = commandAt(line.slice(3))
    else if (line.startsWith('<<<')) current.replies.push(line.slice(3).trim())
  }
  return paragraphs
}
