// The fields of a delivery-status report (RFC 3464 §2.2, §2.3), read from the
// message/delivery-status part or from the same lines pasted into a notice's text (Amazon
// WorkMail's "Technical report:"). Provider sources whose notices carry such a report
// (Amazon SES, Office 365, Outlook.com, Yandex, SendGrid, Bigfoot, Google) read it here and
// add what their own text says.

import type { DsnAction, RawRecipient } from './types.ts'

/** One per-recipient block of a delivery-status report, as written. */
export interface DsnRecipientFields {
  readonly recipient: string
  readonly originalRecipient?: string
  readonly action?: string
  readonly status?: string
  /** Diagnostic-Code without its type ("smtp;"), continuation lines joined */
  readonly diagnosticCode?: string
  readonly remoteMta?: string
  readonly lastAttemptDate?: string
}

export interface DeliveryStatusFields {
  readonly reportingMta?: string
  readonly arrivalDate?: string
  readonly recipients: readonly DsnRecipientFields[]
}

const FIELD_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:/

const DSN_ACTIONS: readonly DsnAction[] = ['failed', 'delayed', 'delivered', 'relayed', 'expanded']

/** Reads the fields of a delivery-status report; recipients in the order they are written. */
export function readDeliveryStatus(text: string | undefined): DeliveryStatusFields {
  if (!text) return { recipients: [] }
  const perMessage: Record<string, string> = {}
  const recipients: Record<string, string>[] = []
  // RFC 3464 §2.1: blank lines separate the per-message block from each per-recipient block.
  // Some writers put Action before Final-Recipient (Amazon SES), or two recipients in one block.
  for (const block of text.split(/\n[ \t]*\n/)) {
    const fields = readFields(block)
    const hasRecipient = fields.some(([name]) => name === 'final-recipient' || name === 'original-recipient')
    if (!hasRecipient) {
      for (const [name, value] of fields) perMessage[name] ??= value
      continue
    }
    let current: Record<string, string> | undefined
    for (const [name, value] of fields) {
      if (name === 'final-recipient' && current?.['final-recipient'] !== undefined) current = undefined
      if (!current) {
        current = {}
        recipients.push(current)
      }
      current[name] ??= value
    }
  }
  return {
    reportingMta: stripType(perMessage['reporting-mta']),
    arrivalDate: perMessage['arrival-date'],
    recipients: recipients
      .map((fields) => ({
        recipient: addressOf(fields['final-recipient'] ?? fields['original-recipient'] ?? ''),
        originalRecipient: fields['original-recipient'] ? addressOf(fields['original-recipient']) : undefined,
        action: fields['action']?.toLowerCase().split(/[\s(]/)[0],
        status: fields['status']?.split(/[\s(]/)[0],
        diagnosticCode: stripType(fields['diagnostic-code']),
        remoteMta: stripType(fields['remote-mta']),
        lastAttemptDate: fields['last-attempt-date'],
      }))
      .filter((fields) => fields.recipient.includes('@')),
  }
}

/** A RawRecipient from one block of a report, with the report's Reporting-MTA and Arrival-Date. */
export function rawFromDsn(fields: DsnRecipientFields, report: DeliveryStatusFields): RawRecipient {
  const action = DSN_ACTIONS.find((known) => known === fields.action)
  return {
    recipient: fields.recipient,
    diagnosticCode: fields.diagnosticCode,
    status: fields.status,
    dsnAction: action,
    remoteMta: fields.remoteMta,
    reportingMta: report.reportingMta,
    arrivalDate: report.arrivalDate,
    lastAttemptDate: fields.lastAttemptDate,
  }
}

// Field lines of one block, continuation lines joined; lines that are no field are skipped.
function readFields(block: string): [string, string][] {
  const fields: [string, string][] = []
  for (const line of block.split('\n')) {
    // Diagnostic-Code: smtp; 550-5.2.1 The email account that you tried to reach is disabled. Learn more at
    //  550 5.2.1  https://support.google.com/mail/?p=DisabledUser 000000000000eee.000 - gsmtp
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1][1] += ' ' + line.trim()
      continue
    }
    const match = FIELD_LINE.exec(line)
    if (match) fields.push([match[1].toLowerCase(), line.slice(match[0].length).trim()])
  }
  return fields
}

// "rfc822; <kijitora@example.org>" → "kijitora@example.org"
function addressOf(value: string): string {
  const semicolon = value.indexOf(';')
  const address = (semicolon === -1 ? value : value.slice(semicolon + 1)).trim()
  return address.replace(/^<|>$/g, '').trim()
}

// "dns; mx.example.jp" → "mx.example.jp"; "smtp;550 5.1.1 …" → "550 5.1.1 …"
function stripType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const match = /^\s*(?:smtp|x-unix|x-postfix|dns|dsn|x-local-hostname)\s*;\s*/i.exec(value)
  const stripped = (match ? value.slice(match[0].length) : value).trim()
  return stripped === '' ? undefined : stripped
}
