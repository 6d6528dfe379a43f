// PowerMTA DSNs ("Delivery report"): a short text part listing
//   "<kijitora@example.jp> delivery failed; will not continue trying"
// and an RFC 3464 part with PowerMTA's own fields (X-PowerMTA-VirtualMTA,
// X-PowerMTA-BounceCategory). The delivery-status part carries everything; the text only
// says whether PowerMTA keeps trying. Fields: PowerMTA User's Guide, "DSN" and bounce categories.
import type { ParsedMail } from '../mail/index.ts'
import { parseDeliveryStatus } from './delivery-status.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'

const DSN_MARK = 'x-powermta-'
const TEXT_MARK = 'hello, this is the mail server on'

export const powermta: BounceSource = {
  name: 'PowerMTA',
  description: 'PowerMTA: https://www.bird.com/en-us/powermta',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const status = mail.deliveryStatus
    if (!status?.toLowerCase().includes(DSN_MARK) && !mail.text.slice(0, 500).toLowerCase().includes(TEXT_MARK)) return undefined
    const dsn = parseDeliveryStatus(status)
    const recipients: RawRecipient[] = dsn.recipients.map((fields) => ({
      recipient: fields.recipient,
      diagnosticCode: fields.diagnosticCode,
      status: fields.status,
      dsnAction: fields.action,
      remoteMta: fields.remoteMta?.replace(/\s*\(.*\)$/, ''),
      reportingMta: dsn.reportingMta,
      lastAttemptDate: fields.lastAttemptDate,
    }))
    return { recipients }
  },
}
