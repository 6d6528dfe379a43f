// Verizon Wireless: the notices of its MMS gateway (sysadmin@…vzwpix.com, "Message could not be
// delivered to mobile.", "Error: …", then "Original Message:" with the To: line) and of its
// SMS gateway (post_master@vtext.com, "Error: …", then "Message details:" with "RCPT TO: …").

import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: MMSC NDR Administrator <sysadmin@m01.vzwpix.com>
const MMS_SENDER = /sysadmin@[^>\s]*vzwpix\.com/i
// From: post_master@vtext.com
const SMS_SENDER = 'post_master@vtext.com'
// Error: No valid recipients for this MM
const ERROR_LINE = /^Error:\s*(.+)$/m
// The MMS gateway's own error line (not a remote reply) when the handset number it was given is
// not one of its subscribers: the address is the reason (Sisimai's Verizon reads it as userunknown).
const NO_VALID_RECIPIENTS = 'no valid recipients for this mm'
// To: 0000000000@vzwpix.com  /    RCPT TO: 0000000000@vtext.com
const MMS_RECIPIENT = /^To:\s*(.+)$/m
const SMS_RECIPIENT = /^\s*RCPT TO:\s*(.+)$/gm

export const verizon: BounceSource = {
  name: 'Verizon',
  description: 'Verizon Wireless: https://www.verizon.com/',
  inquire(mail) {
    const from = mail.headers.get('from') ?? ''
    const isMms = MMS_SENDER.test(from)
    const isSms = from.toLowerCase().includes(SMS_SENDER) || factsOf(mail).received.some((r) => r.includes('.vtext.com ('))
    if (!isMms && !isSms) return undefined
    const diagnosticCode = ERROR_LINE.exec(mail.text)?.[1].trim()
    const reason = isMms && diagnosticCode?.toLowerCase().startsWith(NO_VALID_RECIPIENTS) ? 'userunknown' as const : undefined
    const addresses: string[] = []
    if (isMms) {
      const originalAt = mail.text.indexOf('Original Message:')
      const to = originalAt === -1 ? undefined : MMS_RECIPIENT.exec(mail.text.slice(originalAt))?.[1]
      if (to) addresses.push(...to.split(','))
    } else {
      for (const match of mail.text.matchAll(SMS_RECIPIENT)) addresses.push(match[1])
    }
    const recipients: RawRecipient[] = addresses
      .map((address) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim())
      .filter((address) => address.includes('@'))
      .map((recipient) => ({ recipient, diagnosticCode, reason }))
    return recipients.length > 0 ? { recipients } : undefined
  },
}
