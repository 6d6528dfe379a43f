// The fields of an RFC 3464 delivery-status block, read leniently. Several appliances and
// servers (Exchange, Domino, Messaging Server, amavis, McAfee, SurfControl, Mimecast) send a
// human-readable notice *and* such a block; their sources read the notice for what it says
// and this block for what it adds (status, remote MTA, reporting MTA, dates).
//
// Lenient where real bounces are: "Field : value" with a space before the colon (Mimecast),
// "rfc/822;addr" (Mimecast), "Original-Recipient: <addr>" without a Final-Recipient (McAfee),
// "Status: 5.1.1 (Remote SMTP server has rejected address)" (Messaging Server), and blocks
// that are not in a message/delivery-status part at all (broken MIME, read from the text).

import type { DsnAction } from './types.ts'

/** What one per-recipient group of a delivery-status block says. */
export interface DsnRecipientFields {
  /** Final-Recipient (or Original-Recipient when that is all there is), without its type */
  readonly recipient: string
  readonly action?: string
  /** the enhanced status alone: "5.1.1" */
  readonly status?: string
  /** Diagnostic-Code without its type ("smtp;", "X-Notes;") */
  readonly diagnosticCode?: string
  /** the Diagnostic-Code type as written: "smtp", "X-Notes" */
  readonly diagnosticType?: string
  readonly remoteMta?: string
  readonly lastAttemptDate?: string
}

export interface DsnReport {
  readonly reportingMta?: string
  readonly arrivalDate?: string
  readonly recipients: readonly DsnRecipientFields[]
}

const FIELD = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/
const STATUS = /^[245]\.\d{1,3}\.\d{1,3}/

/** Reads every delivery-status group in `text`; lines that are no DSN field are skipped. */
export function readDeliveryStatus(text: string): DsnReport {
  const groups: Map<string, string>[] = []
  let group = new Map<string, string>()
  let last = ''
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (group.size > 0) groups.push(group)
      group = new Map()
      last = ''
      continue
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      // RFC 5322 folding: "Diagnostic-Code: X-Notes; Error transferring to x; Ma\n ximum hop count"
      group.set(last, group.get(last) + ' ' + line.trim())
      continue
    }
    const match = FIELD.exec(line)
    if (!match) {
      last = ''
      continue
    }
    last = match[1].toLowerCase()
    if (!group.has(last)) group.set(last, match[2].trim())
  }
  if (group.size > 0) groups.push(group)

  let reportingMta: string | undefined
  let arrivalDate: string | undefined
  const recipients: DsnRecipientFields[] = []
  for (const fields of groups) {
    reportingMta ??= afterType(fields.get('reporting-mta'))
    arrivalDate ??= fields.get('arrival-date')
    const recipient = afterType(fields.get('final-recipient') ?? fields.get('original-recipient'))
    if (!recipient || !recipient.includes('@')) continue
    const diagnostic = fields.get('diagnostic-code')
    const semicolon = diagnostic?.indexOf(';') ?? -1
    const type = diagnostic && semicolon > 0 && semicolon < 12 ? diagnostic.slice(0, semicolon).trim() : undefined
    recipients.push({
      recipient: recipient.replace(/^<|>$/g, ''),
      action: fields.get('action')?.split(/[ (]/)[0].toLowerCase() || undefined,
      status: STATUS.exec(fields.get('status') ?? '')?.[0],
      diagnosticCode: (type !== undefined ? diagnostic!.slice(semicolon + 1).trim() : diagnostic?.trim()) || undefined,
      diagnosticType: type,
      remoteMta: afterType(fields.get('remote-mta'))?.split(/[ (]/)[0] || undefined,
      lastAttemptDate: fields.get('last-attempt-date'),
    })
  }
  return { reportingMta: reportingMta?.split(/[ (]/)[0] || undefined, arrivalDate, recipients }
}

/** "rfc822;kijitora@example.jp" → "kijitora@example.jp"; "dns; mx.example.jp" → "mx.example.jp". */
function afterType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const semicolon = value.indexOf(';')
  return (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim() || undefined
}

const DSN_ACTIONS: readonly DsnAction[] = ['failed', 'delayed', 'delivered', 'relayed', 'expanded']

/** The Action field as a DsnAction, when it is one of RFC 3464 §2.3.3's values. */
export function asDsnAction(action: string | undefined): DsnAction | undefined {
  return DSN_ACTIONS.find((known) => known === action)
}
