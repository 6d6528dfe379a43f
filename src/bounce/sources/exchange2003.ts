import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Microsoft Exchange Server 5.5 – 2003 non-delivery reports (the Internet Mail Service / IMC
// era). Markers from the reports themselves (set-of-emails lhost-exchange2003-*):
//   X-MS-Embedded-Report:
//   X-Mailer: Internet Mail Service (5.5.2653.19)
//   X-Mailer: Microsoft Exchange Server Internet Mail Connector Version 4.0.994.63
//   X-MimeOLE: Produced By Microsoft Exchange V6.5
//   Received: by mx.example.net with Internet Mail Service (5.5.2657.72)
const X_MAILERS = ['internet mail service (', 'microsoft exchange server internet mail connector']
const X_MIMEOLE = 'produced by microsoft exchange'
const RECEIVED_MARK = ' with internet mail service ('

// The line that opens the recipient list, in the two layouts:
//   did not reach the following recipient(s):
//   The following recipient(s) could not be reached:
const LIST_STARTS = ['did not reach the following recipient(s):', 'could not be reached:']

// A recipient line: "kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000",
// "  kijitora@example.com on 4/29/01 11:34:45 PM", or the X.400 form
// "c=US;a= ;p=neko;o=kijitora;cat:SMTP=NEKOCHAN@EXAMPLE.COM; on Fri, 4 Oct 2002".
const RECIPIENT_LINE = /^\s*(?:.*?:smtp=)?([^\s;<>]+@[^\s;<>]+?)(?:;)?\s+on\s/i

/** Exchange 5.5/2000/2003 NDRs: "Your message did not reach some or all of the intended recipients." */
export const exchange2003: BounceSource = {
  name: 'Exchange2003',
  description: 'Microsoft Exchange Server 5.5-2003: https://learn.microsoft.com/exchange/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!isExchange2003(mail)) return undefined
    const text = mail.text
    const lower = text.toLowerCase()
    let at = -1
    for (const start of LIST_STARTS) {
      at = lower.indexOf(start)
      if (at >= 0) {
        at += start.length
        break
      }
    }
    if (at < 0) return undefined

    // kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000
    //     The recipient name is not recognized
    //     The MTS-ID of the original message is: c=jp;a= ;p=example;l=STRAYCAT-NNNN
    //     MSEXCH:IMS:NNN:KIJITORACAT:NEKO 0 (000C05A6) Unknown Recipient
    // (a blank line ends one recipient's block)
    const recipients: RawRecipient[] = []
    let current: { recipient: string; lines: string[] } | undefined
    let skippingMtsId = false
    const flush = () => {
      if (!current) return
      recipients.push({ recipient: current.recipient, diagnosticCode: current.lines.join(' ').replace(/\s+/g, ' ').trim(), dsnAction: 'failed' })
      current = undefined
    }
    for (const line of text.slice(at).split('\n')) {
      const match = RECIPIENT_LINE.exec(line)
      if (match) {
        flush()
        current = { recipient: match[1], lines: [] }
        skippingMtsId = false
        continue
      }
      if (line.trim() === '') {
        flush()
        continue
      }
      if (!current) continue
      const trimmed = line.trim()
      // "The MTS-ID of the original message is: c=jp;a=\n;p=example;l=STRAYCAT-NNNN" names the
      // message, not the failure; it wraps onto lines of its own until the MSEXCH: line.
      if (trimmed.startsWith('The MTS-ID of the original message is:')) {
        skippingMtsId = true
        continue
      }
      if (skippingMtsId && !trimmed.includes('MSEXCH:')) continue
      skippingMtsId = false
      current.lines.push(trimmed)
    }
    flush()
    return recipients.length > 0 ? { recipients } : undefined
  },
}

function isExchange2003(mail: ParsedMail): boolean {
  const headers = mail.headers
  if (headers.get('x-ms-embedded-report') !== undefined) return true
  const mailer = (headers.get('x-mailer') ?? '').toLowerCase().trim()
  if (X_MAILERS.some((prefix) => mailer.startsWith(prefix))) return true
  if ((headers.get('x-mimeole') ?? '').toLowerCase().startsWith(X_MIMEOLE)) return true
  return factsOf(mail).receivedLower.some((received) => received.includes(RECEIVED_MARK))
}
