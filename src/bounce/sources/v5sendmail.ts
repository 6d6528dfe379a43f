// Sendmail V5 (5.x, before DSNs) and the V8 notices without an address section: the body is
// only "----- Transcript of session follows -----", where each failed recipient has a line
// "554 <kijitora@example.jp>... 550 Host unknown" and the remote replies sit in
// "While talking to HOST:" blocks (">>> RCPT To:<…>", "<<< 550 …"); then
// "----- Unsent message follows -----". Wording: sendmail 5.65 savemail.c / deliver.c.
import type { ParsedMail } from '../mail/index.ts'
import type { SmtpCommand } from '../verdict.ts'
import { commandAt } from './smtp-command.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const SUBJECT = 'returned mail:'
const TRANSCRIPT_SECTION = '----- transcript of session follows -----'
/** V8's address section: such notices are Sendmail 8's (sendmail.ts). */
const ADDRESS_SECTION = 'the following addresses had'
const END_SECTIONS: readonly string[] = ['----- unsent message follows', '----- original message follows', '----- message header follows']

// "While talking to mail.example.co.jp:"
const TALKING_TO = /^while talking to (.+?):\s*$/i
// "554 <kijitora@example.org>... 550 Host unknown (Authoritative answer from name server)"
// "550 <mikeneko@example.co.jp>... User unknown"
const RECIPIENT_LINE = /^([245]\d\d)\s+<([^<>\s]+@[^<>\s]+)>\.\.\.\s*(.*)$/
const HAS_REPLY_CODE = /\b[245]\d\d\b/

interface Block {
  host: string
  command?: SmtpCommand
  reply: string[]
}

export const v5sendmail: BounceSource = {
  name: 'V5sendmail',
  description: 'Sendmail V5 and transcript-only Sendmail notices',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const subject = factsOf(mail).subject
    if (!subject.startsWith(SUBJECT) || mail.deliveryStatus) return undefined
    const lowered = factsOf(mail).text
    if (!lowered.includes(TRANSCRIPT_SECTION) || lowered.includes('----- ' + ADDRESS_SECTION)) return undefined
    return { recipients: readTranscript(mail.text) }
  },
}

function readTranscript(text: string): RawRecipient[] {
  const recipients: RawRecipient[] = []
  const seen = new Set<string>()
  let inTranscript = false
  let block: Block | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const lowered = line.toLowerCase()
    if (lowered.startsWith(TRANSCRIPT_SECTION)) {
      inTranscript = true
      continue
    }
    if (!inTranscript) continue
    if (END_SECTIONS.some((end) => lowered.startsWith(end))) break
    const talking = TALKING_TO.exec(line)
    if (talking) {
      block = { host: talking[1].toLowerCase().replace(/\.$/, ''), reply: [] }
      continue
    }
    if (block && line.startsWith('>>>')) {
      block.command = commandAt(line.slice(3))
      continue
    }
    if (block && line.startsWith('<<<')) {
      block.reply.push(line.slice(3).trim())
      continue
    }
    const own = RECIPIENT_LINE.exec(line)
    if (!own) continue
    const address = own[2]
    if (seen.has(address.toLowerCase())) continue
    seen.add(address.toLowerCase())
    // "554 <x@example.edu>... Remote protocol error": the remote reply is in the block above it.
    const ownText = own[3].trim()
    const fromBlock = block && block.reply.length > 0 && !HAS_REPLY_CODE.test(ownText) ? block : undefined
    recipients.push({
      recipient: address,
      // The remote reply says why; "Remote protocol error" only says that the session failed.
      diagnosticCode: fromBlock ? fromBlock.reply.join(' ') : ownText,
      replyCode: HAS_REPLY_CODE.exec(ownText)?.[0] ?? (fromBlock ? HAS_REPLY_CODE.exec(fromBlock.reply[0])?.[0] : undefined) ?? own[1],
      command: fromBlock?.command,
      remoteMta: fromBlock?.host,
      dsnAction: own[1].startsWith('4') ? 'delayed' : 'failed',
    })
  }
  return recipients
}
