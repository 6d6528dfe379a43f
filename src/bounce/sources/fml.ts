import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { addressIn } from './address.ts'
import { noticeBefore } from './returned-message.ts'

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

/** fml error notices to a list's admin. */
export const fml: BounceSource = {
  name: 'FML',
  description: 'fml mailing list manager: https://www.fml.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!(mail.headers.get('x-mlserver') ?? '').toLowerCase().startsWith(X_MLSERVER)) return undefined
    if (!(mail.headers.get('message-id') ?? '').toLowerCase().includes(MESSAGE_ID_MARK)) return undefined
    const lines = noticeBefore(mail.text, ORIGINAL_MARKS).split('\n').map((line) => line.trim()).filter(Boolean)
    // Duplicated Message-ID in <neko@example.co.jp>.   (the first line that names an address)
    const recipients: RawRecipient[] = []
    for (const line of lines) {
      const address = addressIn(line)
      if (!address) continue
      recipients.push({ recipient: address, diagnosticCode: lines.join(' '), dsnAction: 'failed' })
      break
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
