import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Lotus Notes (the Notes SMTP MTA of the 1990s–2000s, before Domino's own NDR layout).
// The whole notice is plain text between two rulers (set-of-emails lhost-notes-*):
//
//   ------- Failure Reasons  --------
//
//   User not listed in public Name & Address Book
//   kijitora@example.com
//
//   ------- Returned Message --------
//
// The reason comes first, then the address(es) it applies to. Japanese servers write the
// reason in ISO-2022-JP ("ディレクトリのリストにありません").

// Subject: Undeliverable message
const SUBJECT = 'undeliverable message'
const FAILURE_RULER = '------- failure reasons'
const RETURNED_RULER = '------- returned message'

const ADDRESS_LINE = /^<?([^\s<>()"',;:]+@[^\s<>()"',;:]+[^\s<>()"',;:.])>?$/

/** Lotus Notes "Undeliverable message" notices. */
export const notes: BounceSource = {
  name: 'Notes',
  description: 'Lotus Notes: https://www.hcl-software.com/domino',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!factsOf(mail).subject.startsWith(SUBJECT)) return undefined
    const text = mail.text
    const lower = text.toLowerCase()
    const start = lower.indexOf(FAILURE_RULER)
    if (start < 0) return undefined
    const end = lower.indexOf(RETURNED_RULER, start)
    const lines = text.slice(start, end < 0 ? text.length : end).split('\n').slice(1)

    const recipients: RawRecipient[] = []
    let reason: string[] = []
    let lastReason = ''
    for (const raw of lines) {
      const line = raw.trim()
      if (line === '' || line.startsWith('-------')) continue
      const address = ADDRESS_LINE.exec(line)
      if (!address) {
        reason.push(line)
        continue
      }
      // User not listed in public Name & Address Book   ← the reason for the address below
      // kijitora@example.com
      if (reason.length > 0) lastReason = reason.join(' ').replace(/\s+/g, ' ')
      reason = []
      recipients.push({ recipient: address[1], diagnosticCode: lastReason || undefined, dsnAction: 'failed' })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
