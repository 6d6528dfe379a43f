// Google Workspace: Gmail's newer notice ("** Message not delivered **") for a failure on the
// sender's own side (a misconfigured "Send mail as" account, a blocked message) where the
// delivery-status part is empty and the recipient is named only by X-Failed-Recipients.
// Notices with per-recipient delivery-status fields are read by gmail.ts.

import type { BounceSource } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
const GOOGLE_DAEMON = ['mailer-daemon@googlemail.com', 'mailer-daemon@google.com']
// ** Message not delivered **
const HEADLINE = /^\*\* .+ \*\*$/m

export const googleWorkspace: BounceSource = {
  name: 'GoogleWorkspace',
  description: 'Google Workspace: https://workspace.google.com/',
  inquire(mail) {
    const from = factsOf(mail).from
    if (!GOOGLE_DAEMON.some((daemon) => from.includes(daemon))) return undefined
    const failed = mail.headers.get('x-failed-recipients')
    if (!failed || !HEADLINE.test(mail.text)) return undefined
    if (factsOf(mail).report.recipients.length > 0) return undefined
    // ** Message not delivered **
    //
    // You're sending this from a different address or alias using the 'Send mail as' feature. …
    //
    // The response was:
    //
    // Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability
    const diagnosticCode = mail.text.slice(mail.text.search(HEADLINE)).replace(/\s+/g, ' ').trim()
    return {
      recipients: failed.split(',').map((address) => address.trim()).filter((address) => address.includes('@'))
        .map((recipient) => ({ recipient, diagnosticCode, dsnAction: 'failed' as const })),
    }
  },
}
