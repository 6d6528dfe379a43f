// Zoho Mail: notices from mailer-daemon@mail.zoho.com (X-Mailer: Zoho Mail). A permanent
// failure lists "addr Invalid Address, ERROR_CODE :550, ERROR_CODE :<reply text>"; a delay
// warning lists "[Status: Error, Address: <addr>, ResponseCode 421, , Host not reachable.]"
// and "Message will be retried for 4 more day(s)".

import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

// X-Mailer: Zoho Mail
const ZOHO_MAILER = 'zoho mail'
// This message was created automatically by mail delivery software.
// A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.
const PERMANENT = 'This is a permanent error.'
// THIS IS A WARNING MESSAGE ONLY.
const WARNING = 'THIS IS A WARNING MESSAGE ONLY.'
// shironeko@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :Requested action not taken: mailbox unavailable
// kijitora@7jo.example.jp Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable.
const PERMANENT_LINE = /^(\S+@\S+)\s+(.*?ERROR_CODE\s*:\s*(\d{3})?.*)$/
// [Status: Error, Address: <kijitora@6kaku.example.co.jp>, ResponseCode 421, , Host not reachable.]
const DELAY_LINE = /^\[Status: .*Address: <([^>]+)>, ResponseCode (\d{3})?.*\]$/

export const zoho: BounceSource = {
  name: 'Zoho',
  description: 'Zoho Mail: https://www.zoho.com/mail/',
  inquire(mail) {
    const isZoho = factsOf(mail).xMailer.startsWith(ZOHO_MAILER) ||
      /mailer-daemon@(?:[a-z0-9-]+\.)*zoho\.com/i.test(mail.headers.get('from') ?? '')
    if (!isZoho) return undefined
    const isWarning = mail.text.includes(WARNING)
    if (!isWarning && !mail.text.includes(PERMANENT)) return undefined
    const recipients: RawRecipient[] = []
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      const permanent = PERMANENT_LINE.exec(line)
      const delay = permanent ? undefined : DELAY_LINE.exec(line)
      const match = permanent ?? delay
      if (!match) continue
      const replyCode = permanent ? permanent[3] : delay?.[2]
      const diagnosticCode = permanent ? permanent[2] : line.slice(1, -1)
      // A delay warning, or a "permanent error" whose reply was temporary: Zoho gave up retrying.
      const isGivenUp = isWarning || replyCode?.startsWith('4') === true
      recipients.push({
        recipient: match[1].replace(/^<|>$/g, ''),
        diagnosticCode,
        replyCode,
        dsnAction: isWarning ? 'delayed' : 'failed',
        ...(isGivenUp ? { reason: 'expired' as const } : {}),
      })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
