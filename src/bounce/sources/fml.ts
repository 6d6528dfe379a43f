import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { addressIn } from './address.ts'
import { noticeBefore } from './returned-message.ts'
import { factsOf } from './mail-facts.ts'

// fml, the mailing list manager. Its error notices go to the list's admin address and name
// the address they are about in the first lines, the message after "Original mail as
// follows:" (set-of-emails lhost-fml-*):
//
//   Subject: Loop Alert: Duplicated Message-ID (neko ML)
//   X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]
//
//   Duplicated Message-ID in <neko@example.co.jp>.
//
//   Original mail as follows:

// X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]
const X_MLSERVER = 'fml'
// Message-Id: <201704292334.FMLFFF00002.neko@example.co.jp>
const MESSAGE_ID_MARK = '.fml'
const ORIGINAL_MARKS = ['original mail as follows:', 'original mail:']

// fml's own notices name a fixed set of conditions, in its words, not a remote server's: they
// are the format's reason (Sisimai's FML reads them the same way). Matched against the subject
// and the notice, lower-cased.
const NOTICE_REASONS: readonly (readonly [string, Reason])[] = [
  // Subject: Loop Alert: Duplicated Message-ID (neko ML) / "Duplicated Message-ID in <x>.": its loop guard
  ['duplicated message-id', 'systemerror'],
  ['has detected a loop condition', 'systemerror'],
  ['loop alert:', 'systemerror'],
  ['loop back warning', 'systemerror'],
  ['unix from loop', 'systemerror'],
  ['fml system error message', 'systemerror'],
  // "NOT MEMBER article from x", "You are not a member of this mailing list": the sender is refused
  ['not member article from', 'rejected'],
  ['are not a member', 'rejected'],
  ['are not member', 'rejected'],
  ['spam mail from a spammer is rejected', 'rejected'],
  ['reject spammers:', 'rejected'],
  ['security alert', 'securityerror'],
]

/** fml error notices to a list's admin. */
export const fml: BounceSource = {
  name: 'FML',
  description: 'fml mailing list manager: https://www.fml.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!(mail.headers.get('x-mlserver') ?? '').toLowerCase().startsWith(X_MLSERVER)) return undefined
    if (!factsOf(mail).messageId.includes(MESSAGE_ID_MARK)) return undefined
    const lines = noticeBefore(mail.text, ORIGINAL_MARKS).split('\n').map((line) => line.trim()).filter(Boolean)
    // Duplicated Message-ID in <neko@example.co.jp>.   (the first line that names an address)
    const notice = `${mail.headers.get('subject') ?? ''}\n${lines.join('\n')}`.toLowerCase()
    const reason = NOTICE_REASONS.find(([phrase]) => notice.includes(phrase))?.[1]
    const recipients: RawRecipient[] = []
    for (const line of lines) {
      const address = addressIn(line)
      if (!address) continue
      recipients.push({ recipient: address, diagnosticCode: lines.join(' '), dsnAction: 'failed', reason })
      break
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
