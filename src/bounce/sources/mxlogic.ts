import type { ParsedMail } from '../mail/index.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// MX Logic, later McAfee SaaS Email Protection. Its MTA (mxl_mta) is built on Exim and writes
// an Exim-like notice (set-of-emails lhost-mxlogic-*):
//
//   This message was created automatically by mail delivery software.
//
//   A message that you have sent could not be delivered to one or more
//   recipients.  This is a permanent error.  The following address failed:
//
//     <kijitora@example.jp>: 550 5.1.1 <kijitora@example.jp>: Recipient address rejected: ...
//
//   Included is a copy of the message header:

// X-MX-Bounce: mta/src/queue/bounce
// X-MXL-NoteHash: ffffffffffffffff-0000000000000000000000000000000000000000
// X-MXL-Hash: 4c9d4d411993da17-bbd4212b6c887f6c23bab7db4bd87ef5edc00758
const HEADERS = ['x-mx-bounce', 'x-mxl-notehash', 'x-mxl-hash']
// Message-ID: <mxl~0000.0000.0000@00000000.mxlogic.net>
const MESSAGE_ID_MARK = '<mxl~'
// Received: ... by 00000000.mxlogic.net (mxl_mta-5.5.0-3) with ESMTP id ...
const RECEIVED_MARK = '(mxl_mta-'
const START = 'this message was created automatically by mail delivery software.'
const END_MARKS = ['included is a copy of the message header:', '------ this is a copy of the message']

// "<kijitora@example.jp>: 550 5.1.1 ..." or Exim's "  kijitora@example.jp" on its own line.
const RECIPIENT_LINE = /^\s*<?([^\s<>]+@[^\s<>:]+?)>?(?::\s*(.*))?$/
// "SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:"
const AFTER_COMMAND = /smtp error from remote (?:mail server|mailer) after (?:end of )?([a-z]{4})/i
// Exim's wording when the queue gave up on the address (retry rules exhausted).
const GAVE_UP = ['retry timeout exceeded', 'retry time not reached for any host after a long failure period', 'all hosts have been failing for a long time']

/** MX Logic / McAfee SaaS "Mail delivery failed" notices. */
export const mxLogic: BounceSource = {
  name: 'MXLogic',
  description: 'McAfee SaaS Email Protection (MX Logic): https://www.mcafee.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const headers = mail.headers
    const isMxLogic = HEADERS.some((name) => headers.get(name) !== undefined) ||
      (headers.get('message-id') ?? '').toLowerCase().startsWith(MESSAGE_ID_MARK) ||
      factsOf(mail).receivedLower.some((line) => line.includes(RECEIVED_MARK))
    if (!isMxLogic) return undefined
    const text = mail.text
    const lower = text.toLowerCase()
    const start = lower.indexOf(START)
    if (start < 0) return undefined
    let end = lower.length
    for (const mark of END_MARKS) {
      const at = lower.indexOf(mark, start)
      if (at >= 0 && at < end) end = at
    }

    // The address list starts after the first blank line that follows "...address(es) failed:".
    const found: { recipient: string; lines: string[] }[] = []
    let listing = false
    for (const raw of text.slice(start, end).split('\n')) {
      const line = raw.trim()
      if (!listing) {
        if (/failed:$/i.test(line)) listing = true
        continue
      }
      if (line === '') continue
      const match = RECIPIENT_LINE.exec(raw)
      // "<kijitora@example.co.jp>" alone after "<kijitora@example.co.jp>: 550 unknown user" wraps the reply.
      const isWrapped = match !== null && !match[2] && line.startsWith('<') && found.length > 0
      if (match && !isWrapped && !raw.startsWith('    ')) {
        found.push({ recipient: match[1], lines: match[2] ? [match[2]] : [] })
        continue
      }
      found[found.length - 1]?.lines.push(line)
    }
    const recipients: RawRecipient[] = found.map(({ recipient, lines }) => {
      const diagnostic = lines.join(' ').replace(/\s+/g, ' ').trim()
      const lowered = diagnostic.toLowerCase()
      return {
        recipient,
        diagnosticCode: diagnostic || undefined,
        command: AFTER_COMMAND.exec(diagnostic)?.[1].toUpperCase() as SmtpCommand | undefined,
        reason: GAVE_UP.some((phrase) => lowered.includes(phrase)) ? 'expired' : undefined,
        remoteMta: /host\s+([^\s[]+)\s+\[[^\]]+\]:/.exec(diagnostic)?.[1],
        dsnAction: 'failed',
      }
    })
    return recipients.length > 0 ? { recipients } : undefined
  },
}
