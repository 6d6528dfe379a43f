// Sendmail 8 DSNs: "Returned mail: see transcript for details". The first part lists the
// addresses under "----- The following addresses had permanent fatal errors -----" (with
// "(reason: …)" and "(expanded from: …)" lines), then "----- Transcript of session follows -----"
// with "... while talking to HOST.:", ">>> COMMAND" and "<<< reply" lines; a
// message/delivery-status part follows. Wording: sendmail/savemail.c (errbody),
// sendmail/deliver.c and usersmtp.c (the transcript), sendmail/queue.c (queue timeouts).
import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import type { SmtpCommand } from '../verdict.ts'
import { isAddress } from './address.ts'
import { fullestDiagnostic, inlineDeliveryStatus, parseDeliveryStatus, type DsnRecipientFields } from './delivery-status.ts'
import { commandAt } from './smtp-command.ts'
import type { BounceSource, DsnAction, RawRecipient, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

/** savemail.c's subjects ("Returned mail: %s", "Warning: could not send message for past %s", the postmaster copies). */
const SUBJECTS: readonly string[] = ['returned mail:', 'warning: could not send message for past', 'postmaster notify:', 'postmaster warning:']

/** savemail.c's section lines; the address sections open with "The following addresses had". */
const ADDRESS_SECTION = 'the following addresses had'
const TRANSCRIPT_SECTION = '----- transcript of session follows -----'
/** The returned message follows one of these (MIME notices end their first part instead). */
const END_SECTIONS: readonly string[] = ['----- original message follows', '----- unsent message follows', '----- message header follows', '----- message body suppressed']

/** queue.c / deliver.c when the queue lifetime ran out: "Message could not be delivered for 5 days". */
const QUEUE_TIMEOUT_PHRASES: readonly string[] = ['message could not be delivered for', 'cannot send message for', 'message will be deleted from queue']

/** deliver.c's exit-status text for a local mailer ("554 5.3.0 unknown mailer error 255"). */
const MAILER_ERROR_PHRASES: readonly string[] = ['unknown mailer error', 'mailer exited with']

// "... while talking to mx.example.jp.:"
const TALKING_TO = /^\.\.\. while talking to (.+?)\.?:\s*$/i
const REPLY_CODE = /^([245]\d\d)[\s-]/

interface TranscriptBlock {
  host: string
  /** ">>> RCPT To:<x@example.jp>", "<<< 550 …", and sendmail's own lines, in order */
  lines: string[]
}

interface Notice {
  /** address (lower-cased, without <>) → its "(reason: …)" text and the section's action */
  addresses: Map<string, { reason?: string; action: DsnAction }>
  blocks: TranscriptBlock[]
  /** transcript lines before any "while talking to" */
  loose: string[]
}

export const sendmail: BounceSource = {
  name: 'Sendmail',
  description: 'Sendmail: https://www.proofpoint.com/us/products/email-protection/open-source-email-solution',
  inquire(mail: ParsedMail): SourceResult | undefined {
    if (!isSendmail(mail)) return undefined
    const notice = readNotice(mail.text)
    // A notice whose MIME structure is broken carries its delivery-status fields in the text.
    const dsn = parseDeliveryStatus(mail.deliveryStatus ?? inlineDeliveryStatus(mail.text))
    // The address section also lists programs and files ('"|IFS=' ' && exec /usr/local/bin/procmail …"'): no recipients.
    const named = [...notice.addresses.keys()].map((each) => (isAddress(each) ? each : undefined))
    // "Final-Recipient: RFC822; @mx.example.org": a route without a mailbox; the address section names the recipient.
    const listed: DsnRecipientFields[] = dsn.groups.length > 0
      ? dsn.groups.flatMap((fields, i) => fields.recipient ? [fields] : named[i] ? [{ ...fields, recipient: named[i] }] : [])
      : named.flatMap((recipient) => (recipient ? [{ recipient }] : []))
    if (listed.length === 0) {
      // A Sendmail notice forwarded inside another ("Returned mail" carrying the real DSN as message/rfc822).
      const inner = mail.original
      return inner && inner.deliveryStatus ? sendmail.inquire(inner) : undefined
    }
    const lowered = lowerCaseOf(notice)
    const recipients = listed.map((fields) => toRecipient(fields, notice, lowered, listed.length, dsn.reportingMta))
    return { recipients }
  },
}

function isSendmail(mail: ParsedMail): boolean {
  const subject = factsOf(mail).subject
  const from = factsOf(mail).from
  if (!SUBJECTS.some((wanted) => subject.startsWith(wanted)) && !from.includes('mail delivery subsystem')) return false
  const lowered = factsOf(mail).text
  return lowered.includes('----- ' + ADDRESS_SECTION) || lowered.includes(TRANSCRIPT_SECTION) || mail.original?.deliveryStatus !== undefined
}

/**
 * The notice's lines lower-cased once, and what they say of every recipient alike: a notice may
 * list a thousand recipients, each looked for in every line (a scan per recipient that lower-cased
 * the lines again was quadratic: seconds for a 200 KB notice).
 */
interface LoweredNotice {
  readonly loose: readonly string[]
  readonly blocks: ReadonlyMap<TranscriptBlock, readonly string[]>
  readonly saysMailerError: boolean
  /** the loose lines saying the queue lifetime ran out, joined; '' when none */
  readonly timeoutText: string
  /** the other loose lines, joined */
  readonly otherLooseText: string
  /** Sendmail's own loose line about an address, by address */
  readonly looseOwnLines: Map<string, string | undefined>
}

function lowerCaseOf(notice: Notice): LoweredNotice {
  const loose = notice.loose.map((line) => line.toLowerCase())
  const blocks = new Map(notice.blocks.map((block) => [block, block.lines.map((line) => line.toLowerCase())] as const))
  const everything = [...loose, ...[...blocks.values()].flat()].join('\n')
  const isTimeout = loose.map((line) => QUEUE_TIMEOUT_PHRASES.some((phrase) => line.includes(phrase)))
  return {
    loose, blocks,
    saysMailerError: MAILER_ERROR_PHRASES.some((phrase) => everything.includes(phrase)),
    timeoutText: notice.loose.filter((_, i) => isTimeout[i]).join(' '),
    otherLooseText: notice.loose.filter((_, i) => !isTimeout[i]).join(' '),
    looseOwnLines: new Map(),
  }
}

function toRecipient(fields: DsnRecipientFields, notice: Notice, lowered: LoweredNotice, count: number, reportingMta: string | undefined): RawRecipient {
  const address = fields.recipient.toLowerCase()
  const listed = notice.addresses.get(address) ?? (count === 1 ? [...notice.addresses.values()][0] : undefined)
  const reasonText = listed?.reason
  const block = blockFor(address, fields.remoteMta, notice.blocks, lowered, count)
  const replies = block ? firstFailure(block) : ''
  const looseOwn = () => {
    if (!lowered.looseOwnLines.has(address)) lowered.looseOwnLines.set(address, ownLine(address, notice.loose, lowered.loose))
    return lowered.looseOwnLines.get(address)
  }
  const own = (block ? ownLine(address, block.lines, lowered.blocks.get(block)!) : looseOwn()) ?? looseOwn()
  // The remote reply is the most telling; Sendmail's own line ("550 5.1.1 <x>... User unknown") only when no reply was kept.
  let diagnosticCode = fullestDiagnostic(reasonText, fields.diagnosticCode, replies, replies ? undefined : own)
  if (!hasWords(diagnosticCode) && own) diagnosticCode = fullestDiagnostic(diagnosticCode && `${diagnosticCode} ${own}`, own)
  let reason: Reason | undefined
  if (fields.diagnosticType === 'x-unix' || lowered.saysMailerError) reason = 'mailererror'
  else if (!hasWords(diagnosticCode) && lowered.timeoutText !== '') {
    // The queue lifetime ran out and no remote reply says more: the format itself says "expired".
    reason = 'expired'
    diagnosticCode = fullestDiagnostic(diagnosticCode, lowered.timeoutText)
  }
  if (count === 1 && !block && reason !== 'expired') {
    // No remote session: the local mailer's own words are the loose lines ("mail.local: unknown user: kijitora",
    // "554 5.3.0 unknown mailer error 255"), and say more than "(reason: 255)" or "... Service unavailable".
    diagnosticCode = fullestDiagnostic(diagnosticCode, lowered.otherLooseText)
  }
  return {
    recipient: fields.recipient,
    diagnosticCode,
    status: fields.status,
    replyCode: REPLY_CODE.exec(fields.diagnosticCode ?? reasonText ?? '')?.[1],
    dsnAction: fields.action ?? listed?.action,
    command: block ? failedCommand(block) : undefined,
    reason,
    remoteMta: fields.remoteMta ?? block?.host,
    reportingMta,
    lastAttemptDate: fields.lastAttemptDate,
  }
}

/** The transcript block about this recipient: it names the address, or it is the DSN's Remote-MTA, or the only failure. */
function blockFor(address: string, remoteMta: string | undefined, blocks: readonly TranscriptBlock[], lowered: LoweredNotice, count: number): TranscriptBlock | undefined {
  const named = blocks.find((block) => lowered.blocks.get(block)!.some((line) => line.includes(`<${address}>`)))
  if (named) return named
  const host = remoteMta?.toLowerCase().replace(/\.$/, '')
  const atHost = host ? blocks.find((block) => block.host === host) : undefined
  if (atHost) return atHost
  if (count !== 1) return undefined
  return blocks.find((block) => block.lines.some((line) => /^<<< [45]/.test(line)))
}

/**
 * The first failure reply of the block, with its continuation lines ("<<< 552-5.7.0 …" up to
 * "<<< 552 5.7.0 …"); later replies ("<<< 503 5.0.0 Need RCPT") answer later commands.
 */
function firstFailure(block: TranscriptBlock): string {
  const lines: string[] = []
  for (const line of block.lines) {
    if (!line.startsWith('<<<')) continue
    const reply = line.slice(3).trim()
    if (lines.length === 0 && !/^[45]/.test(reply)) continue
    lines.push(reply)
    if (!/^\d{3}-/.test(reply)) break
  }
  return lines.join(' ')
}

/** The command sent last before the first failure reply: ">>> RCPT To:<…>" then "<<< 550 …" → RCPT. */
function failedCommand(block: TranscriptBlock): SmtpCommand | undefined {
  let last = ''
  for (const line of block.lines) {
    if (line.startsWith('>>>')) last = line.slice(3)
    else if (/^<<< [45]/.test(line)) return last ? commandAt(last) : 'CONN'
  }
  return undefined
}

/** Sendmail's own line about the address: "550 5.1.1 <x@example.jp>... User unknown", "<x@example.jp>... Deferred: …". */
function ownLine(address: string, lines: readonly string[], lowerLines: readonly string[]): string | undefined {
  const wanted = `<${address}>...`
  const index = lowerLines.findIndex((each) => !each.startsWith('<<<') && !each.startsWith('>>>') && each.includes(wanted))
  if (index === -1) return undefined
  const line = lines[index]
  const at = lowerLines[index].indexOf(wanted)
  const before = line.slice(0, at).trim()
  const after = line.slice(at + wanted.length).trim()
  return before ? `${before} ${after}` : after
}

/** Whether a diagnostic says anything beyond reply codes ("421", "Deferred: 421"). */
function hasWords(text: string | undefined): boolean {
  if (!text) return false
  return /[a-z]{3,}/i.test(text.replace(/\b[245]\.\d{1,3}\.\d{1,3}\b|\b[245]\d\d\b|deferred:?|smtp;/gi, ''))
}

function readNotice(text: string): Notice {
  const addresses = new Map<string, { reason?: string; action: DsnAction }>()
  const blocks: TranscriptBlock[] = []
  const loose: string[] = []
  let section: 'none' | 'addresses' | 'transcript' = 'none'
  let lastAddress = ''
  let action: DsnAction = 'failed'
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const lowered = line.toLowerCase()
    // The returned message, or a delivery-status block written inline by a notice whose MIME is broken.
    if (END_SECTIONS.some((end) => lowered.startsWith(end)) || lowered.startsWith('reporting-mta:')) break
    if (lowered.startsWith('-----') && lowered.includes(ADDRESS_SECTION)) {
      // "had permanent fatal errors", "had transient non-fatal errors", "had successful delivery notifications"
      action = lowered.includes('transient') ? 'delayed' : lowered.includes('successful') ? 'delivered' : 'failed'
      section = 'addresses'
      continue
    }
    if (lowered.startsWith(TRANSCRIPT_SECTION)) {
      section = 'transcript'
      continue
    }
    if (!line) continue
    if (section === 'addresses') {
      // "    (reason: 550 5.1.1 <x@example.jp>... User Unknown)"
      if (lowered.startsWith('(reason:')) {
        if (lastAddress) addresses.set(lastAddress, { reason: line.slice(8).replace(/\)$/, '').trim() || undefined, action })
      } else if (!line.startsWith('(')) {
        // "<kijitora@example.jp>", "kijitora@example.jp", "\"|/home/kijitora/mail/catch.pl\""
        lastAddress = line.replace(/^<|>$/g, '').toLowerCase()
        if (!addresses.has(lastAddress)) addresses.set(lastAddress, { action })
      }
      continue
    }
    if (section !== 'transcript') continue
    const talking = TALKING_TO.exec(line)
    if (talking) {
      blocks.push({ host: talking[1].toLowerCase(), lines: [] })
      continue
    }
    if (blocks.length > 0) blocks[blocks.length - 1].lines.push(line)
    else loose.push(line)
  }
  // Lines after the last block that are Sendmail's own (no >>> / <<<) are loose too: "Message could not be delivered for 5 days".
  for (const block of blocks) for (const line of block.lines) if (!line.startsWith('<<<') && !line.startsWith('>>>')) loose.push(line)
  return { addresses, blocks, loose }
}
