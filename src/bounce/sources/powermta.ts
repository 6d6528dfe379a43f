// PowerMTA DSNs ("Delivery report"): a short text part listing
//   "<kijitora@example.jp> delivery failed; will not continue trying"
// and an RFC 3464 part with PowerMTA's own fields (X-PowerMTA-VirtualMTA,
// X-PowerMTA-BounceCategory). The delivery-status part carries everything; the text only
// says whether PowerMTA keeps trying. Fields: PowerMTA User's Guide, "DSN" and bounce categories.
import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import { parseDeliveryStatus } from './delivery-status.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const DSN_MARK = 'x-powermta-'
// X-PowerMTA-BounceCategory: bad-mailbox — PowerMTA's own classification of the failure, written
// per recipient: the format's reason (Sisimai's PowerMTA reads the same table). bad-mailbox is
// re-examined by the classifier like any userunknown.
const CATEGORY_FIELD = 'x-powermta-bouncecategory:'
const CATEGORY_REASONS: Readonly<Record<string, Reason>> = {
  'bad-domain': 'hostunknown',
  'bad-mailbox': 'userunknown',
  'inactive-mailbox': 'suspend',
  'message-expired': 'expired',
  'no-answer-from-host': 'networkerror',
  'policy-related': 'policyviolation',
  'quota-issues': 'mailboxfull',
  'routing-errors': 'systemerror',
  'spam-related': 'spamdetected',
}
const TEXT_MARK = 'hello, this is the mail server on'

export const powermta: BounceSource = {
  name: 'PowerMTA',
  description: 'PowerMTA: https://www.bird.com/en-us/powermta',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const status = mail.deliveryStatus
    if (!status?.toLowerCase().includes(DSN_MARK) && !factsOf(mail).head(500).includes(TEXT_MARK)) return undefined
    const dsn = parseDeliveryStatus(status)
    const categories = bounceCategories(status ?? '')
    const recipients: RawRecipient[] = dsn.recipients.map((fields) => ({
      recipient: fields.recipient,
      diagnosticCode: fields.diagnosticCode,
      status: fields.status,
      dsnAction: fields.action,
      remoteMta: fields.remoteMta?.replace(/\s*\(.*\)$/, ''),
      reportingMta: dsn.reportingMta,
      lastAttemptDate: fields.lastAttemptDate,
      reason: CATEGORY_REASONS[categories.get(fields.recipient.toLowerCase()) ?? ''],
    }))
    return { recipients }
  },
}

/** Recipient (lower-cased) → its X-PowerMTA-BounceCategory, from each per-recipient block. */
function bounceCategories(status: string): Map<string, string> {
  const found = new Map<string, string>()
  let recipient = ''
  for (const line of status.split('\n')) {
    const lower = line.trim().toLowerCase()
    // Final-Recipient: rfc822;kijitora@example.jp
    if (lower.startsWith('final-recipient:')) recipient = lower.slice(lower.indexOf(';') + 1).trim().replace(/^<|>$/g, '')
    else if (lower.startsWith(CATEGORY_FIELD) && recipient !== '') found.set(recipient, lower.slice(CATEGORY_FIELD.length).trim())
  }
  return found
}
