import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// SurfControl E-mail Filter (later Websense). The notice (set-of-emails lhost-surfcontrol-*):
//
//   Your message could not be sent.
//   A transcript of the attempts to send the message follows.
//   The number of attempts made: 1
//   Addressed To: kijitora@example.org
//
//   Thu, 29 Apr 2009 23:34:45 +0900
//   Failed to send to identified host,
//   kijitora@example.org: [192.0.2.244], 554 Service currently unavailable
//   --- Message non-deliverable.
//
// followed by a delivery-status part.

// X-Mailer: SurfControl E-mail Filter
const X_MAILER = 'surfcontrol'
// X-SEF-Processed: 0_0_0_429__2009_04_29_23_34_45
const HEADER = 'x-sef-processed'
const START = 'your message could not be sent.'
// kijitora@example.org: [192.0.2.244], 554 Service currently unavailable
const FAILURE_LINE = /^<?([^\s<>]+@[^\s<>:]+?)>?:\s*(?:\[([^\]]+)\],?\s*)?(.+)$/
// Addressed To: kijitora@example.org
const ADDRESSED_TO = /^Addressed To:\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$/i

/** SurfControl "Your message could not be sent." reports. */
export const surfControl: BounceSource = {
  name: 'SurfControl',
  description: 'SurfControl E-mail Filter (Websense)',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const isSurfControl = factsOf(mail).xMailer.includes(X_MAILER) || mail.headers.get(HEADER) !== undefined
    if (!isSurfControl) return undefined
    const text = mail.text
    const start = text.toLowerCase().indexOf(START)
    if (start < 0) return undefined

    const found = new Map<string, { diagnostic?: string; remote?: string }>()
    for (const raw of text.slice(start).split('\n')) {
      const line = raw.trim()
      const addressed = ADDRESSED_TO.exec(line)
      if (addressed) {
        if (!found.has(addressed[1].toLowerCase())) found.set(addressed[1].toLowerCase(), {})
        continue
      }
      const failure = FAILURE_LINE.exec(line)
      if (failure) found.set(failure[1].toLowerCase(), { diagnostic: failure[3].trim(), remote: failure[2] })
    }
    const dsn = factsOf(mail).report
    for (const fields of dsn.recipients) if (!found.has(fields.recipient.toLowerCase())) found.set(fields.recipient.toLowerCase(), {})

    const recipients: RawRecipient[] = [...found].map(([recipient, one]) => {
      const fields = dsn.recipients.find((each) => each.recipient.toLowerCase() === recipient)
      return {
        recipient,
        diagnosticCode: one.diagnostic ?? fields?.diagnosticCode,
        status: fields?.status,
        dsnAction: fields?.action ?? 'failed',
        remoteMta: one.remote ?? fields?.remoteMta,
      }
    })
    return recipients.length > 0 ? { recipients } : undefined
  },
}
