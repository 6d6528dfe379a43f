// Microsoft 365 (Exchange Online): the non-delivery report of Exchange Online's transport
// ("Undeliverable: …", From postmaster@…, X-MS-Exchange-Message-Is-Ndr), sent for mailboxes
// hosted on outlook.com's *.prod.outlook.com servers. Text: "Delivery has failed to these
// recipients or groups:" (or "<host> rejected your message to the following email
// addresses:"), then "Diagnostic information for administrators:", "Generating server:" and per
// recipient "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; …'". A
// delivery-status part usually comes along and is preferred when present.
// https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online

import type { ParsedMail } from '../mail/index.ts'
import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Message-ID: <…@FFFFFFFFFFFF.e0.prod.outlook.com>; Received: from …outbound.protection.outlook.com
const EXCHANGE_ONLINE_HOST = /\.(?:prod|protection)\.outlook\.com\b/i
// Subject: Undeliverable: Nyaan
const UNDELIVERABLE = 'undeliverable:'
const ADMIN_SECTION = 'Diagnostic information for administrators:'
const ADMIN_SECTION_END = 'Original message headers:'
// kijitora@example.com<mailto:kijitora@example.com>
// neko@libsisimai.org (neko@libsisimai.org)<mailto:neko@libsisimai.org>
const RECIPIENT_LINE = /^(\S+@\S+?)(?: \([^)]*\))?<mailto:[^>]+>\s*$/
// Generating server: FFFFFFFFFFFF.e0.prod.outlook.com
const GENERATING_SERVER = 'Generating server:'
// Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'
// 5/25/2018 8:21:10 AM - Server at SG2APC01HT226.eop-APC01.prod.protection.outlook.com returned '550 5.4.312 …'
const RETURNED = /returned '(.+)'\s*$/
const REMOTE_SERVER_AT = /Server at (\S+)(?: \([0-9a-fA-F.:]+\))? returned/
// Remote server returned unknown recipient or mailbox unavailable -> 550 <kijitora@example.jp>: User unknown
const UNKNOWN_RECIPIENT_RELAY = 'unknown recipient or mailbox unavailable ->'

export const office365: BounceSource = {
  name: 'Office365',
  description: 'Microsoft 365 Exchange Online: https://www.microsoft.com/microsoft-365/exchange/email',
  inquire(mail) {
    const subject = factsOf(mail).subject
    const isNdr = subject.startsWith(UNDELIVERABLE) || mail.headers.get('x-ms-exchange-message-is-ndr') !== undefined
    if (!isNdr) return undefined
    if (!isExchangeOnline(mail)) return undefined
    const report = factsOf(mail).report
    const fromText = readAdminSection(mail.text)
    if (report.recipients.length > 0) {
      return {
        recipients: report.recipients.map((fields) => {
          const raw = rawFromDsn(fields, report)
          const text = fromText.find((r) => r.recipient.toLowerCase() === raw.recipient.toLowerCase())
          return withCommand({ ...raw, diagnosticCode: raw.diagnosticCode ?? text?.diagnosticCode, remoteMta: raw.remoteMta ?? text?.remoteMta })
        }),
      }
    }
    return fromText.length > 0 ? { recipients: fromText.map(withCommand) } : undefined
  },
}

function isExchangeOnline(mail: ParsedMail): boolean {
  if (EXCHANGE_ONLINE_HOST.test(mail.headers.get('message-id') ?? '')) return true
  if (factsOf(mail).received.some((received) => EXCHANGE_ONLINE_HOST.test(received))) return true
  if (factsOf(mail).from.includes('postmaster@outlook.com')) return true
  const reportingMta = factsOf(mail).report.reportingMta ?? ''
  if (EXCHANGE_ONLINE_HOST.test(reportingMta) || reportingMta.toLowerCase().endsWith('.outlook.com')) return true
  // Generating server: NEKOCHAN.example.prod.outlook.com
  const generatingAt = mail.text.indexOf(GENERATING_SERVER)
  return generatingAt !== -1 && mail.text.slice(generatingAt, generatingAt + 200).split('\n')[0].toLowerCase().includes('outlook.com')
}

// Diagnostic information for administrators:
//
// Generating server: FFFFFFFFFFFF.e0.prod.outlook.com
//
// kijitora@example.com
// Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'
//
// Original message headers:
function readAdminSection(text: string): RawRecipient[] {
  const found: RawRecipient[] = []
  const listed = new Set<string>()
  const adminAt = text.indexOf(ADMIN_SECTION)
  for (const line of (adminAt === -1 ? text : text.slice(0, adminAt)).split('\n')) {
    const match = RECIPIENT_LINE.exec(line.trim())
    if (match) listed.add(match[1].toLowerCase())
  }
  if (adminAt === -1) return [...listed].map((recipient) => ({ recipient }))
  const endAt = text.indexOf(ADMIN_SECTION_END, adminAt)
  const lines = text.slice(adminAt + ADMIN_SECTION.length, endAt === -1 ? undefined : endAt).split('\n')
  let current: { recipient: string; replies: string[]; remoteMta?: string } | undefined
  const blocks: NonNullable<typeof current>[] = []
  for (const raw of lines) {
    const line = raw.trim()
    // kijitora@example.com  /  kijitora@example.com mx.example.jp (Exchange writes the remote host after it)
    const head = line.split(/\s+/)[0]
    if (head.includes('@') && !line.includes("'") && !line.toLowerCase().startsWith('generating')) {
      current = { recipient: head.replace(/^<|>$/g, ''), replies: [] }
      blocks.push(current)
      continue
    }
    if (!current) continue
    const returned = RETURNED.exec(line)
    if (returned) {
      current.replies.push(returned[1])
      current.remoteMta ??= REMOTE_SERVER_AT.exec(line)?.[1]
    }
  }
  for (const block of blocks) {
    // The first reply listed is the last attempt's, the one that decided.
    found.push({ recipient: block.recipient, diagnosticCode: block.replies[0], remoteMta: block.remoteMta, dsnAction: 'failed' })
    listed.delete(block.recipient.toLowerCase())
  }
  for (const recipient of listed) found.push({ recipient, dsnAction: 'failed' })
  return found
}

function withCommand(raw: RawRecipient): RawRecipient {
  return raw.diagnosticCode?.includes(UNKNOWN_RECIPIENT_RELAY) ? { ...raw, command: 'RCPT' } : raw
}
