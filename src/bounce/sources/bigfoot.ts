// Bigfoot (bigfoot.com forwarding, LiteMail): a Sendmail-style notice ("----- The following
// addresses had permanent fatal errors -----", "----- Transcript of session follows -----"
// with ">>> RCPT TO:<…>" and "<<< 553 …") and a delivery-status part.

import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource } from './types.ts'
import { commandAt } from './smtp-command.ts'
import { factsOf } from './mail-facts.ts'

// From: Mail Delivery Subsystem <MAILER-DAEMON@bigfoot.com>  /  Received: by LITEMAIL00.bigfoot.com
const BIGFOOT_HOST = 'bigfoot.com'

export const bigfoot: BounceSource = {
  name: 'Bigfoot',
  description: 'Bigfoot: http://www.bigfoot.com',
  inquire(mail) {
    const from = factsOf(mail).from
    if (!from.includes(BIGFOOT_HOST) && !factsOf(mail).receivedLower.some((r) => r.includes(BIGFOOT_HOST))) return undefined
    const report = factsOf(mail).report
    if (report.recipients.length === 0) return undefined
    // >>> RCPT TO:<kijitora@example.org>
    const sent = /^>>>\s*([A-Z]{4})/m.exec(mail.text)
    return {
      recipients: report.recipients.map((fields) => ({ ...rawFromDsn(fields, report), command: sent ? commandAt(sent[1]) : undefined })),
    }
  },
}
