import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Mimecast (its own delivery failure notices, not replies relayed through it). The notice
// (set-of-emails lhost-mimecast-*):
//
//   This is a delivery failure notification message indicating that
//   an email you addressed to email address :
//   -- sabatora@example.net
//
//   could not be delivered. The problem appears to be :
//   -- Recipient email address is possibly incorrect
//
//   Additional information follows :
//   -- 5.7.54 SMTP; Unable to relay recipient in non-accepted domain
//
// and a delivery-status part written "Field : value", "Final-Recipient : rfc/822;x".

// X-Mimecast-Originator: <>   /   X-MC-System: ...
const HEADER_PREFIXES = ['x-mimecast-', 'x-mc-system']
// Message-Id: <000000002-1111111110222@uk-mta-64.uk.mimecast.lan>
const MESSAGE_ID_MARK = 'mimecast'
const START = 'this is a delivery failure notification message'

/** Mimecast delivery failure notifications. */
export const mimecast: BounceSource = {
  name: 'Mimecast',
  description: 'Mimecast: https://www.mimecast.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const isMimecast = mail.headers.fields.some(([name]) => HEADER_PREFIXES.some((prefix) => name.startsWith(prefix))) ||
      factsOf(mail).messageId.includes(MESSAGE_ID_MARK)
    if (!isMimecast) return undefined
    const text = mail.text
    const start = text.toLowerCase().indexOf(START)
    if (start < 0) return undefined

    // Each "label :" line is followed by its "-- value" line(s).
    const values: string[][] = []
    let previousWasValue = false
    for (const raw of text.slice(start).split('\n')) {
      const line = raw.trim()
      if (line.startsWith('-- ')) {
        if (!previousWasValue) values.push([])
        values[values.length - 1].push(line.slice(3).trim())
        previousWasValue = true
      } else {
        previousWasValue = false
      }
    }
    const [addresses = [], problem = [], additional = []] = values
    const dsn = factsOf(mail).report
    const recipients: RawRecipient[] = []
    for (const address of addresses.filter((value) => value.includes('@'))) {
      const fields = dsn.recipients.find((one) => one.recipient.toLowerCase() === address.toLowerCase()) ??
        (dsn.recipients.length === 1 ? dsn.recipients[0] : undefined)
      recipients.push({
        recipient: address.replace(/^<|>$/g, ''),
        diagnosticCode: fields?.diagnosticCode ?? ([...additional, ...problem].join(' ') || undefined),
        status: fields?.status,
        dsnAction: fields?.action ?? 'failed',
        reportingMta: dsn.reportingMta,
        arrivalDate: dsn.arrivalDate,
        lastAttemptDate: fields?.lastAttemptDate,
      })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
