import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Trend Micro InterScan Messaging Security Suite / Virtual Appliance (IMSS/IMSVA). Two
// layouts of its notice (set-of-emails lhost-trendmicro-*; Japanese servers translate the
// subject and the surrounding text, not the session lines):
//
//   Unable to deliver message to <kijitora@neko.example.jp> (and other recipients in the same domain).
//   Reason:  Unable to deliver message to <kijitora@example.jp> (and other recipients in the same domain).
//
//   Sent <<< RCPT TO:<kijitora@example.co.jp>
//   Received >>> 550 5.1.1 <kijitora@example.co.jp>... user unknown

// From: postmaster@example.com ("InterScan Notification")  /  From: "InterScan MSS" <...>
const FROM_MARK = 'interscan'
// boundary="------------InterScan_NT_MIME_Boundary"
const BOUNDARY_MARK = 'interscan'
// Received: from x ([192.0.2.22]) by 585B571930A5 with InterScan Messaging Security Suite; ...
const RECEIVED_MARK = 'interscan'
// Subject: Mail could not be delivered (en), メッセージを配信できません。, メール配信に失敗しました (ja)
const SUBJECTS = ['mail could not be delivered', 'メッセージを配信できません。', 'メール配信に失敗しました']

// The first layout is InterScan's own line, not a remote reply: it reports the address itself as
// undeliverable ("Please check if address is correct.") and no session transcript follows.
// Sisimai's InterScanMSS reads it as userunknown; so do we, a retried reason the classifier
// still re-examines against the text.
const UNABLE = /Unable to deliver message to <([^\s<>]+@[^\s<>]+)>/i
// Sent <<< RCPT TO:<kijitora@example.co.jp>
const SENT = /<<<\s+([A-Za-z]{4})\b[^<]*<([^\s<>]+@[^\s<>]+)>/
// Received >>> 550 5.1.1 <kijitora@example.co.jp>... user unknown
const RECEIVED_REPLY = />>>\s+(\d{3}\s.*)$/

/** InterScan Messaging Security "Mail could not be delivered" notices. */
export const trendMicro: BounceSource = {
  name: 'TrendMicro',
  description: 'Trend Micro InterScan Messaging Security: https://www.trendmicro.com/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const headers = mail.headers
    const subject = factsOf(mail).subject.trim()
    if (!SUBJECTS.includes(subject)) return undefined
    const isInterScan = factsOf(mail).from.includes(FROM_MARK) ||
      factsOf(mail).contentType.includes(BOUNDARY_MARK) ||
      factsOf(mail).receivedLower.some((line) => line.includes(RECEIVED_MARK))
    if (!isInterScan) return undefined

    const found: { recipient: string; diagnostic?: string; command?: SmtpCommand; reason?: Reason }[] = []
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      const sent = SENT.exec(line)
      if (sent) {
        found.push({ recipient: sent[2], command: sent[1].toUpperCase() as SmtpCommand })
        continue
      }
      const reply = RECEIVED_REPLY.exec(line)
      if (reply && found.length > 0) {
        found[found.length - 1].diagnostic = reply[1]
        continue
      }
      const unable = UNABLE.exec(line)
      if (unable) found.push({ recipient: unable[1], diagnostic: line.replace(/^Reason:\s*/i, ''), reason: 'userunknown' })
    }
    const recipients: RawRecipient[] = found.map((one) => ({
      recipient: one.recipient, diagnosticCode: one.diagnostic, command: one.command, dsnAction: 'failed', reason: one.reason,
    }))
    return recipients.length > 0 ? { recipients } : undefined
  },
}
