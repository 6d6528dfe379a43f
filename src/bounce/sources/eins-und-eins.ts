// 1&1 (IONOS): "Mail delivery failed: returning message to sender" from
// mailer-daemon@kundenserver.de (or …@1and1.com, …@ionos.*): the same United Internet platform
// and notice as GMX, read by gmx.ts's reader.

import { readFailedAddresses } from './gmx.ts'
import type { BounceSource } from './types.ts'

// From: "Mail Delivery System" <mailer-daemon@kundenserver.de>
const EINS_UND_EINS_SENDER = /mailer-daemon@(?:[a-z0-9-]+\.)*(?:kundenserver\.de|1and1\.[a-z.]+|1und1\.de|ionos\.[a-z.]+|online\.de)\b/i

export const einsUndEins: BounceSource = {
  name: 'EinsUndEins',
  description: '1&1 IONOS: https://www.ionos.com',
  inquire(mail) {
    if (!EINS_UND_EINS_SENDER.test(mail.headers.get('from') ?? '')) return undefined
    return readFailedAddresses(mail)
  },
}
