import type { ParsedMail } from '../mail/index.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Active!hunter (QUALITIA's mail filter). It writes a Sendmail-like notice
// (set-of-emails lhost-activehunter-*):
//
//   ----- The following addresses had permanent fatal errors -----
//
//   >>> kijitora@example.ed.jp <kijitora@example.ed.jp>
//
//   ----- Transcript of session follows -----
//   550 <kijitora@example.ed.jp>: Recipient address rejected: User unknown in local recipient table

// X-AHMAILID: 20110429T233445+0900-00000-0000-ff
const HEADER = 'x-ahmailid'
// boundary="----=_Active!Hunter_20110429T233445+0900-00000-0000"
const BOUNDARY_MARK = 'active!hunter'
// Subject: FAILURE NOTICE : Nyaan
const SUBJECT = 'failure notice :'
const RECIPIENT_LINE = /^>>>\s*<?([^\s<>]+@[^\s<>]+?)>?(\s|$)/
const TRANSCRIPT_START = '----- transcript of session follows -----'

/** Active!hunter "FAILURE NOTICE" reports. */
export const activeHunter: BounceSource = {
  name: 'Activehunter',
  description: 'QUALITIA Active!hunter: https://www.qualitia.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const isActiveHunter = mail.headers.get(HEADER) !== undefined ||
      factsOf(mail).contentType.includes(BOUNDARY_MARK)
    if (!isActiveHunter || !factsOf(mail).subject.startsWith(SUBJECT)) return undefined

    const addresses: string[] = []
    const transcript: string[] = []
    let inTranscript = false
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      if (line.toLowerCase() === TRANSCRIPT_START) {
        inTranscript = true
        continue
      }
      if (inTranscript) {
        if (line.startsWith('-----')) inTranscript = false
        else if (line !== '') transcript.push(line)
        continue
      }
      const address = RECIPIENT_LINE.exec(line)
      if (address) addresses.push(address[1])
    }
    const diagnostic = transcript.join(' ') || undefined
    const recipients: RawRecipient[] = addresses.map((recipient) => ({ recipient, diagnosticCode: diagnostic, dsnAction: 'failed' }))
    return recipients.length > 0 ? { recipients } : undefined
  },
}
