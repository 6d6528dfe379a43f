// qmail-send bounces ("failure notice"): "Hi. This is the qmail-send program at HOST.", then
// one paragraph per recipient opened by "<kijitora@example.jp>:", then "--- Below this line
// is a copy of the message." Wording: qmail-1.03 qmail-send.c (bounce text), qmail-remote.c
// ("does not like recipient.", "Remote host said:", "Giving up on"), and the same layout as
// qmail-ldap, netqmail, indimail and the unnamed ISP variants whose lead-in is rewritten
// (Sisimai's X2 "Unable to deliver message to the following address(es).", X4 "Your mail
// message to the following address(es) could not be delivered.").
import type { ParsedMail } from '../mail/index.ts'
import type { SmtpCommand } from '../verdict.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

/** Lead-in lines (lower-cased) after which the "<addr>:" paragraphs start. */
const LEAD_INS: readonly string[] = [
  'this is the qmail-send program at',
  "i'm afraid i wasn't able to deliver your message to the following addresses.",
  'unable to deliver message to the following address(es).',
  'could not be delivered. this',
  'your mail message to the following address(es) could not be delivered.',
]

/** Lines that end the paragraphs: qmail-send.c's separators and their rewrites. */
const ENDS: readonly string[] = ['--- below this line is a copy of the message.', '--- enclosed are the original headers of the message.', '--- enclosed is a copy of the message.', '--- original message follows.']

/** qmail-send.c when the queue lifetime ran out: the format says "expired" when nothing else explains. */
const QUEUE_TIMEOUT = "i'm not going to try again; this message has been in the queue too long."

/** qmail-remote.c's phrases naming the stage that failed. */
const STAGE_PHRASES: readonly (readonly [string, SmtpCommand])[] = [
  ['does not like recipient', 'RCPT'],
  ['most progress was rcpt to response', 'RCPT'],
  ['sender was rejected', 'MAIL'],
  ['failed on data command', 'DATA'],
  ['failed after i sent the message', 'DATA'],
  ['my name was rejected', 'HELO'],
  ['greeting failed', 'CONN'],
  ["didn't like our greeting", 'CONN'],
]

// "<kijitora@example.jp>:" opens a paragraph
const PARAGRAPH_START = /^<([^<>\s]+)>:\s*(.*)$/

export const qmail: BounceSource = {
  name: 'qmail',
  description: 'qmail: https://cr.yp.to/qmail.html',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!isQmail(mail)) return undefined
    return { recipients: readParagraphs(mail.text) }
  },
}

function isQmail(mail: ParsedMail): boolean {
  const subject = factsOf(mail).subject
  const from = factsOf(mail).from
  const bounced = subject.startsWith('failure notice') || subject.startsWith('delivery failure') || subject.startsWith('permanent delivery failure') ||
    from.includes('mailer-daemon') || factsOf(mail).received.some((line) => line.includes('invoked for bounce'))
  if (!bounced) return false
  const head = factsOf(mail).head(3000)
  return LEAD_INS.some((lead) => head.includes(lead)) && PARAGRAPH_START.test(mail.text.split('\n').find((line) => line.startsWith('<')) ?? '')
}

function readParagraphs(text: string): RawRecipient[] {
  const recipients: RawRecipient[] = []
  let address = ''
  let lines: string[] = []
  const flush = () => {
    if (address) recipients.push(describe(address, lines))
    address = ''
    lines = []
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const lowered = line.toLowerCase()
    if (ENDS.some((end) => lowered.startsWith(end))) break
    const start = PARAGRAPH_START.exec(line)
    if (start && start[1].includes('@')) {
      flush()
      address = start[1]
      if (start[2]) lines.push(start[2])
      continue
    }
    if (!line) {
      // Paragraphs end at a blank line; a blank line right after "<addr>:" does not.
      if (lines.length > 0) flush()
      continue
    }
    if (address) lines.push(line)
  }
  flush()
  return recipients
}

function describe(address: string, lines: readonly string[]): RawRecipient {
  // "Remote host said: 550 …" may wrap: qmail-remote prints the reply's lines one after another.
  const text = lines.join(' ').replace(/\s+/g, ' ').trim()
  const lowered = text.toLowerCase()
  const rest = lowered.replace(QUEUE_TIMEOUT, '').replace(/\(#\d\.\d+\.\d+\)/g, '').trim()
  const command = STAGE_PHRASES.find(([phrase]) => lowered.includes(phrase))?.[1]
  // "192.0.2.153 does not like recipient." / "Connected to 192.0.2.225 but sender was rejected."
  const remoteMta = /^(?:connected to )?(\d{1,3}(?:\.\d{1,3}){3})\b/i.exec(text.replace(/^From: <[^>]*> RCPT: <[^>]*> /, ''))?.[1]
  return {
    recipient: address,
    diagnosticCode: text,
    command,
    reason: lowered.includes(QUEUE_TIMEOUT) && !/[a-z]{3,}/.test(rest) ? 'expired' : undefined,
    remoteMta,
    dsnAction: 'failed',
  }
}
