// The local delivery agent's own words. When the last hop is a local delivery agent (sendmail's
// mail.local, procmail, maildrop, vpopmail's vdelivermail, vmailmgr's vdeliver, Dovecot's LDA), the
// bounce quotes the agent's message, not a remote reply; the agent names a fixed set of failures,
// so its message is the format's reason (Sisimai::MDA reads the same agents the same way):
//
//   mail.local: unknown user: kijitora
//   554 <kijitora@example.net>... Service unavailable
//
//   maildrop: maildir over quota.
//   vdelivermail: Sorry, no mailbox here by that name. (#5.1.1)
//   Your message to <kijitora@example.jp> was automatically rejected:
//   Quota exceeded (mailbox for user is full)
//
// Each agent's messages are its own: "quota exceeded" from Dovecot is the mailbox, the same
// words elsewhere may be anything. Only the recipient's own diagnostic text is read.
import type { Reason } from '../reason.ts'

interface Agent {
  /** how the agent's line begins, lower-cased */
  readonly marker: string
  readonly messages: readonly (readonly [string, Reason])[]
}

// Messages from each agent's sources as Sisimai::MDA (4.25) lists them, lower-cased.
const AGENTS: readonly Agent[] = [
  {
    marker: 'mail.local: ',
    messages: [
      [': unknown user:', 'userunknown'],
      [': user unknown', 'userunknown'],
      [': invalid mailbox path', 'userunknown'],
      [': user missing home directory', 'userunknown'],
      ['disc quota exceeded', 'mailboxfull'],
      ['mailbox full or quota exceeded', 'mailboxfull'],
      ['temporary file write error', 'systemerror'],
    ],
  },
  {
    marker: 'procmail: ',
    messages: [
      ['quota exceeded while writing', 'mailboxfull'],
      ['no space left to finish writing', 'systemfull'],
    ],
  },
  {
    marker: 'maildrop: ',
    messages: [
      ['invalid user specified.', 'userunknown'],
      ['cannot find system user', 'userunknown'],
      ['maildir over quota.', 'mailboxfull'],
    ],
  },
  {
    marker: 'vdelivermail: ',
    messages: [
      ['sorry, no mailbox here by that name.', 'userunknown'],
      ['account is locked email bounced', 'filtered'],
      ['user does not exist, but will deliver to ', 'filtered'],
      ['domain is over quota', 'mailboxfull'],
      ['user is over quota', 'mailboxfull'],
    ],
  },
  {
    marker: 'vdeliver: ',
    messages: [
      ['invalid or unknown base user or domain', 'userunknown'],
      ['invalid or unknown virtual user', 'userunknown'],
      ['user name does not refer to a virtual user', 'userunknown'],
      ['delivery failed due to system quota violation', 'mailboxfull'],
    ],
  },
  {
    // Dovecot's DEFAULT_MAIL_REJECTION_HUMAN_REASON: "Your message to <%t> was automatically rejected:%n%r"
    marker: 'was automatically rejected:',
    messages: [
      ["mailbox doesn't exist: ", 'userunknown'],
      ['quota exceeded', 'mailboxfull'],
      ['not enough disk space', 'mailboxfull'],
    ],
  },
]

/** The reason a local delivery agent's message in `diagnostic` names, or undefined when it quotes none. */
export function localAgentReason(diagnostic: string | undefined): Reason | undefined {
  if (diagnostic === undefined || diagnostic === '') return undefined
  const lower = diagnostic.toLowerCase()
  for (const agent of AGENTS) {
    const at = lower.indexOf(agent.marker)
    // The agent's line begins the text or follows a blank: "… 5.1.1 mail.local: …" is not "xmail.local: …".
    if (at < 0 || (at > 0 && agent.marker.endsWith(': ') && lower.charCodeAt(at - 1) > 32)) continue
    const said = lower.slice(at)
    for (const [message, reason] of agent.messages) if (said.includes(message)) return reason
  }
  return undefined
}
