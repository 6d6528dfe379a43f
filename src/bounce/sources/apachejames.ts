import type { MailPart, ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Apache James (its DSN/bounce mailet). The notice (set-of-emails lhost-apachejames-*):
//
//   Error: Invalid user address
//
//   Error message below:
//   550 - Requested action not taken: no such user here
//
//   Message details:
//     Subject: Test message
//     MAIL FROM: kijitora@example.com
//     RCPT TO: 000000000000@vtext.example.com
//     From: shironeko@example.com

// Message-ID: <00000000.000000.0000000000000.JavaMail.c@example.com>  (JavaMail builds it)
const MESSAGE_ID_MARK = '.javamail.'
// Received: from x by mx.example.com (JAMES SMTP Server 2.3.2) with SMTP ID 645
const RECEIVED_MARK = 'james smtp server'
// Subject: [BOUNCE]
const SUBJECT_MARK = '[bounce]'
const DETAILS_MARK = 'message details:'
const ERROR_MARK = 'error message below:'

/** Apache James bounce notices. */
export const apacheJames: BounceSource = {
  name: 'ApacheJames',
  description: 'Apache James: https://james.apache.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const messageId = factsOf(mail).messageId
    const subject = factsOf(mail).subject
    const isJames = messageId.includes(MESSAGE_ID_MARK) || subject.startsWith(SUBJECT_MARK) ||
      factsOf(mail).receivedLower.some((received) => received.includes(RECEIVED_MARK))
    if (!isJames) return undefined
    const text = mail.text || allTexts(mail.root)
    const lower = text.toLowerCase()
    const details = lower.indexOf(DETAILS_MARK)
    if (details < 0) return undefined

    // RCPT TO: 000000000000@vtext.example.com   (one line per recipient)
    const recipients: RawRecipient[] = []
    // From "Error: Invalid user address" (or "Error message below:") to "Message details:".
    const errorAt = lower.indexOf('error:')
    const markAt = lower.indexOf(ERROR_MARK)
    const from = errorAt >= 0 && errorAt < details ? errorAt : markAt >= 0 && markAt < details ? markAt : 0
    const diagnostic = text.slice(Math.max(0, from), details).split('\n').map((line) => line.trim()).filter(Boolean).join(' ')
    for (const line of text.slice(details).split('\n')) {
      const match = /^\s*RCPT TO:\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$/i.exec(line)
      if (match) recipients.push({ recipient: match[1], diagnosticCode: diagnostic, dsnAction: 'failed' })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}

// James folds "Content-Type: multipart/alternative;\nboundary=..." without indenting the
// boundary, so that part has no boundary and its text is not in `mail.text`: read it raw.
function allTexts(part: MailPart): string {
  if (part.parts.length === 0) return part.message ? '' : part.text
  return part.parts.map(allTexts).filter(Boolean).join('\n')
}
