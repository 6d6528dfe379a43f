import type { ParsedMail } from '../mail/index.ts'
import { addressIn, isAddress } from './address.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// HCL (formerly IBM/Lotus) Domino Server. The notice is a list of labels at the left margin,
// each followed by its indented value; the labels are translated with the server's language,
// the layout is not (set-of-emails lhost-domino-*):
//
//   Your message
//
//     Subject: Test Bounce
//
//   was not delivered to:
//
//     kijitora@example.jp
//
//   because:
//
//     User some.name (kijitora@example.jp) not listed in Domino Directory
//
// Newer releases add a message/delivery-status part ("Diagnostic-Code: X-Notes; ...").

// Subject: DELIVERY FAILURE: User Kijitoranyan (kijitora@example.jp) not listed in Domino Directory
// Subject: DELIVERY_FAILURE: ... (some gateways replace the blank)
const SUBJECTS = ['delivery failure:', 'delivery_failure']
// Diagnostic-Code: X-Notes; Error transferring to neko22.example.org; Maximum hop count exceeded.
const DSN_TYPE = 'diagnostic-code: x-notes;'


/** Domino "DELIVERY FAILURE:" notices. */
export const domino: BounceSource = {
  name: 'Domino',
  description: 'HCL Domino: https://www.hcl-software.com/domino',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const subject = factsOf(mail).subject
    if (!SUBJECTS.some((prefix) => subject.startsWith(prefix) || subject.includes(prefix))) {
      if (!factsOf(mail).deliveryStatus?.includes(DSN_TYPE)) return undefined
    }
    const dsn = mail.deliveryStatus ? factsOf(mail).report : undefined
    const blocks = readBlocks(mail.text)

    // The value block made of addresses only is the recipient list; the next value block is
    // the reason ("because:"), whatever language the labels are in.
    const listAt = blocks.findIndex((block) => block.length > 0 && block.every(isAddress))
    const addresses = listAt >= 0 ? blocks[listAt].map((line) => addressIn(line)!) : []
    const because = listAt >= 0 && listAt + 1 < blocks.length ? blocks[listAt + 1].join(' ').replace(/\s+/g, ' ').trim() : ''

    const recipients: RawRecipient[] = []
    for (const address of addresses) {
      // One recipient each side: the same one, even where the two spell it differently.
      const fields = dsn?.recipients.find((one) => one.recipient.toLowerCase() === address.toLowerCase()) ??
        (addresses.length === 1 && dsn?.recipients.length === 1 ? dsn.recipients[0] : undefined)
      recipients.push({
        recipient: address,
        diagnosticCode: because || fields?.diagnosticCode,
        status: fields?.status,
        dsnAction: fields?.action ?? 'failed',
        remoteMta: fields?.remoteMta,
        reportingMta: dsn?.reportingMta,
      })
    }
    if (recipients.length === 0 && dsn) {
      for (const fields of dsn.recipients) {
        recipients.push({
          recipient: fields.recipient,
          diagnosticCode: fields.diagnosticCode,
          status: fields.status,
          dsnAction: fields.action ?? 'failed',
          remoteMta: fields.remoteMta,
          reportingMta: dsn.reportingMta,
        })
      }
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}

/** The indented value blocks of the notice, in order: each an array of trimmed lines. */
function readBlocks(text: string): string[][] {
  const blocks: string[][] = []
  let current: string[] | undefined
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    if (line[0] === ' ' || line[0] === '\t') {
      if (!current) {
        current = []
        blocks.push(current)
      }
      current.push(line.trim())
    } else {
      // A label at the left margin ("was not delivered to:", "because:") closes the value.
      current = undefined
    }
  }
  return blocks
}
