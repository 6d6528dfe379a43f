// Exim bounce and delay-warning messages: "Mail delivery failed: returning message to
// sender", an X-Failed-Recipients header, and a body where each failed address sits on a
// line indented by two spaces, its explanation below it indented further:
//   "  kijitora@example.jp"
//   "    SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:"
//   "    host mx.example.jp [192.0.2.1]: 550 5.1.1 User unknown"
// Wording: exim/src/src/deliver.c (send_bounce_message, the warning text), exim's
// default bounce_message_file / warn_message_file, and smtp transport's error texts.
import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import { fullestDiagnostic } from './delivery-status.ts'
import { commandInText } from './smtp-command.ts'
import type { BounceSource, DsnAction, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

/** deliver.c's subjects: failure, delay warning, and the malformed-address notice (Exim 4). */
const SUBJECTS: readonly string[] = ['mail delivery failed', 'warning: message ', 'mail failure - ']

/** The lead-in lines after which the address entries start. */
const STARTS: readonly string[] = [
  'the following address(es) failed:',
  'address(es) failed:',
  'the address to which the message has not yet been delivered is:',
  'the addresses to which the message has not yet been delivered are:',
  'incorrectly constructed:',
]

/** Lines that end the entries: the returned copy, the pipe output heading, the delay footer. */
const ENDS: readonly string[] = [
  '------ this is a copy of the message',
  '------ this is a copy of the body of the message',
  '----- this is a copy of the message',
  'the following text was generated during the delivery attempt',
  'no action is required on your part.',
  'this address has been ignored.',
]

/** deliver.c / retry.c when the retry rules gave up: the format says "expired". */
const EXPIRED_PHRASES: readonly string[] = [
  'retry timeout exceeded',
  'all hosts have been failing for a long time',
  'retry time not reached for any host after a long failure period',
]

/** An address delivered to a pipe or file whose command failed: "pipe to |/usr/bin/x" (Sisimai's mailererror). */
const PIPE_PREFIXES: readonly string[] = ['pipe to |', 'save to ']

// "<E1P1ceB-000FL1-4q@e1.example.org>": Exim's message id, base-62 in three parts.
const EXIM_MESSAGE_ID = /^<E?[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2,4}@/

interface Entry {
  /** as written on the address line ("kijitora@example.jp", "pipe to |/usr/bin/neko x@example.jp") */
  head: string
  details: string[]
}

export const exim: BounceSource = {
  name: 'Exim',
  description: 'Exim: https://www.exim.org/',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!isExim(mail)) return undefined
    const lowered = factsOf(mail).text
    const isDelay = lowered.includes('has not yet been delivered to')
    const dsn = factsOf(mail).report
    const generated = readGeneratedText(mail.text)
    const recipients: RawRecipient[] = []
    for (const entry of readEntries(mail.text)) {
      const { recipient, diagnostic, reason } = describe(entry, generated)
      if (!recipient) continue
      const fields = dsn.recipients.find((each) => each.recipient.toLowerCase() === recipient.toLowerCase()) ??
        (dsn.groups.length === 1 ? dsn.groups[0] : undefined)
      const action: DsnAction = isDelay ? 'delayed' : (fields?.action ?? 'failed')
      recipients.push({
        recipient,
        diagnosticCode: diagnostic,
        status: fields?.status,
        dsnAction: action,
        command: diagnostic ? commandInText(diagnostic) : undefined,
        reason,
        remoteMta: remoteHostIn(diagnostic) ?? fields?.remoteMta,
        reportingMta: dsn.reportingMta,
      })
    }
    if (recipients.length === 0) {
      // No entries we could read: the X-Failed-Recipients header still names them.
      for (const address of (mail.headers.get('x-failed-recipients') ?? '').split(',')) {
        if (address.includes('@')) recipients.push({ recipient: address.trim(), dsnAction: isDelay ? 'delayed' : 'failed' })
      }
    }
    return { recipients }
  },
}

function isExim(mail: ParsedMail): boolean {
  const from = factsOf(mail).from
  if (!from.includes('mailer-daemon')) return false
  const subject = factsOf(mail).subject
  const named = SUBJECTS.some((wanted) => subject.includes(wanted)) || mail.headers.get('x-failed-recipients') !== undefined ||
    EXIM_MESSAGE_ID.test(mail.headers.get('message-id') ?? '') || factsOf(mail).received.some((line) => line.includes('(Exim '))
  if (!named) return false
  const lowered = factsOf(mail).text
  return STARTS.some((start) => lowered.includes(start))
}

function readEntries(text: string): Entry[] {
  const entries: Entry[] = []
  let started = false
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    const lowered = trimmed.toLowerCase()
    if (!started) {
      started = STARTS.some((start) => lowered.endsWith(start))
      continue
    }
    if (ENDS.some((end) => lowered.startsWith(end))) break
    if (!trimmed) continue
    const indent = line.length - line.trimStart().length
    // "  kijitora@example.jp" (2 spaces) opens an entry; "    SMTP error …" (4+) explains it.
    // Exim 4.00 wrote "  host 192.0.2.22 [192.0.2.22]" at two spaces too: that line explains.
    if (indent > 0 && indent <= 2 && !lowered.startsWith('host ') && !trimmed.startsWith('(')) {
      entries.push({ head: trimmed, details: [] })
    } else if (indent > 0 && entries.length > 0) {
      entries[entries.length - 1].details.push(trimmed)
    } else if (indent === 0 && entries.length > 0) {
      break
    }
  }
  return entries
}

function describe(entry: Entry, generated: Map<string, string>): { recipient?: string; diagnostic?: string; reason?: Reason } {
  const head = entry.head.replace(/:$/, '')
  const loweredHead = head.toLowerCase()
  const details = entry.details.join(' ')
  if (PIPE_PREFIXES.some((prefix) => loweredHead.startsWith(prefix))) {
    // "  pipe to |/usr/local/bin/neko kijitora@example.jp" / "    generated by kijitora@example.jp"
    const by = /generated by (\S+@\S+)/i.exec(details)?.[1]
    const output = generated.get(loweredHead)
    return { recipient: by?.replace(/^<|>$/g, ''), diagnostic: fullestDiagnostic(output ? `${head} ${output}` : head), reason: 'mailererror' }
  }
  // Malformed-address notice: "  kijitora@example.com <neko@example.net>: malformed address: <neko@example.net> may not follow …"
  const malformed = /^(.*?):\s*(malformed address:.*)$/i.exec(head)
  if (malformed) {
    const inBrackets = /<([^<>\s]+@[^<>\s]+)>/.exec(malformed[1])?.[1]
    return { recipient: inBrackets ?? malformed[1].trim(), diagnostic: malformed[2] }
  }
  // "kijitora@example.jp <kijitora@example.jp>: …" or "kijitora@example.jp"
  const address = /^<?([^<>\s:]+@[^<>\s:]+?)>?(?:\s|:|$)/.exec(head)?.[1]
  if (!address) return {}
  const diagnostic = fullestDiagnostic(details, generated.get(loweredHead))
  const lowered = (diagnostic ?? '').toLowerCase()
  const reason: Reason | undefined = EXPIRED_PHRASES.some((phrase) => lowered.includes(phrase)) ? 'expired' : undefined
  return { recipient: address, diagnostic: diagnostic?.replace(/^Delay reason:\s*/i, ''), reason }
}

/**
 * "The following text was generated during the delivery attempt:" then, per address,
 * "------ pipe to |/usr/bin/neko x@example.jp\n generated by x@example.jp ------" and the output.
 */
function readGeneratedText(text: string): Map<string, string> {
  const found = new Map<string, string>()
  const at = text.toLowerCase().indexOf('the following text was generated during the delivery attempt')
  if (at === -1) return found
  const lines = text.slice(at).split('\n').slice(1)
  let key = ''
  let body: string[] = []
  let inHead = false
  const flush = () => {
    if (key) found.set(key, body.join(' ').replace(/\s+/g, ' ').trim())
    body = []
  }
  for (const line of lines) {
    const trimmed = line.trim()
    if (trimmed.startsWith('------ ') && !inHead && !trimmed.toLowerCase().includes('this is a copy')) {
      flush()
      key = trimmed.slice(7).replace(/\s*-+$/, '').toLowerCase()
      inHead = !trimmed.endsWith('------')
      continue
    }
    if (inHead) {
      inHead = !trimmed.endsWith('------')
      continue
    }
    if (trimmed.toLowerCase().startsWith('------ this is a copy')) break
    if (key && trimmed) body.push(trimmed)
  }
  flush()
  return found
}

// "host mx.example.jp [192.0.2.1]" → "mx.example.jp"
const HOST = /\bhost (\S+) \[[^\]]+\]/

function remoteHostIn(diagnostic: string | undefined): string | undefined {
  return diagnostic ? HOST.exec(diagnostic)?.[1] : undefined
}
