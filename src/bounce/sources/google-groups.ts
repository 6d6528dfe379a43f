// Google Groups: the notice Gmail's mailer-daemon returns when a post to a group is refused
// (the group does not exist, or the sender may not post). The text is in the sender's
// language, signed "Google Groups" with a link to https://groups.google.com/support/, and the
// group address is in X-Failed-Recipients.

import type { BounceSource } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
const GOOGLE_DAEMON = ['mailer-daemon@googlemail.com', 'mailer-daemon@google.com']
// If you have questions related to this or any other Google Group, visit the Help Center at https://groups.google.com/support/.
const GROUPS_HELP = 'groups.google.com/support'
// ----- Original message -----
const ORIGINAL_MESSAGE = '----- Original message -----'

export const googleGroups: BounceSource = {
  name: 'GoogleGroups',
  description: 'Google Groups: https://groups.google.com',
  inquire(mail) {
    const from = factsOf(mail).from
    if (!GOOGLE_DAEMON.some((daemon) => from.includes(daemon))) return undefined
    const failed = mail.headers.get('x-failed-recipients')
    if (!failed) return undefined
    const end = mail.text.indexOf(ORIGINAL_MESSAGE)
    const notice = end === -1 ? mail.text : mail.text.slice(0, end)
    if (!notice.includes(GROUPS_HELP)) return undefined
    // The whole notice is the explanation: it says the group may not exist or may not take the
    // sender's posts, in whichever language, and nothing more precise.
    const diagnosticCode = notice.replace(/\s+/g, ' ').trim()
    return {
      recipients: failed.split(',').map((address) => address.trim()).filter((address) => address.includes('@'))
        .map((recipient) => ({ recipient, diagnosticCode, reason: 'rejected' as const, dsnAction: 'failed' as const })),
    }
  },
}
