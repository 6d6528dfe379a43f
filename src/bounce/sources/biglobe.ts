// BIGLOBE: "Returned mail: …" from postmaster@biglobe.ne.jp, text only:
// "----- The following addresses had delivery problems -----", the addresses, then
// "----- Non-delivered information -----" and the reason.

import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: postmaster@biglobe.ne.jp  /  Received: from rcpt-expgw4.biglobe.ne.jp
const BIGLOBE_HOST = 'biglobe.ne.jp'
const ADDRESSES_START = '----- The following addresses had delivery problems -----'
const INFORMATION_START = '----- Non-delivered information -----'

export const biglobe: BounceSource = {
  name: 'Biglobe',
  description: 'BIGLOBE: https://www.biglobe.ne.jp/',
  inquire(mail) {
    const from = factsOf(mail).from
    if (!from.includes(BIGLOBE_HOST) && !factsOf(mail).received.some((r) => r.includes(BIGLOBE_HOST))) return undefined
    const lines = mail.text.split('\n').map((line) => line.trim())
    const addressesAt = lines.indexOf(ADDRESSES_START)
    if (addressesAt === -1) return undefined
    const addresses: string[] = []
    let at = addressesAt + 1
    for (; at < lines.length && !lines[at].startsWith('-----'); at++) {
      if (lines[at].includes('@')) addresses.push(lines[at].replace(/^<|>$/g, ''))
    }
    const informationAt = lines.indexOf(INFORMATION_START, addressesAt)
    const information: string[] = []
    if (informationAt !== -1) {
      // The number of messages in recipient's mailbox exceeded the local limit.
      for (let i = informationAt + 1; i < lines.length && !lines[i].startsWith('-----') && !lines[i].startsWith('Content-'); i++) {
        if (lines[i]) information.push(lines[i])
      }
    }
    const diagnosticCode = information.join(' ') || undefined
    const recipients: RawRecipient[] = addresses.map((recipient) => ({ recipient, diagnosticCode }))
    return recipients.length > 0 ? { recipients } : undefined
  },
}
