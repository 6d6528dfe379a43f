// The fields of a message/delivery-status part (RFC 3464 §2.2, §2.3), as the MTA sources
// read them: per-message fields once, then one block per recipient. MTAs fold long
// Diagnostic-Code lines (Postfix at 76 columns), so continuation lines are unfolded first.
import type { DsnAction } from './types.ts'

/** One per-recipient block of a delivery-status part, values without their type prefix. */
export interface DsnRecipientFields {
  /** Final-Recipient, without "rfc822;" */
  readonly recipient: string
  readonly originalRecipient?: string
  readonly action?: DsnAction
  /** "5.1.1" from "Status: 5.1.1 (bad destination mailbox address)" */
  readonly status?: string
  /** Remote-MTA, without "dns;" */
  readonly remoteMta?: string
  /** Diagnostic-Code without its type: "550 5.1.1 <x@example.jp>... User Unknown" */
  readonly diagnosticCode?: string
  /** the Diagnostic-Code's type, lower-cased: "smtp", "x-unix", "x-postfix" */
  readonly diagnosticType?: string
  readonly lastAttemptDate?: string
}

export interface DeliveryStatusFields {
  readonly reportingMta?: string
  readonly arrivalDate?: string
  readonly recipients: readonly DsnRecipientFields[]
}

const ACTIONS: ReadonlySet<string> = new Set(['failed', 'delayed', 'delivered', 'relayed', 'expanded'])
const STATUS = /^[245]\.\d{1,3}\.\d{1,3}/
const FIELD = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/

/** Reads the fields of a delivery-status part; recipients without a Final-Recipient are skipped. */
export function parseDeliveryStatus(text: string | undefined): DeliveryStatusFields {
  if (!text) return { recipients: [] }
  let reportingMta: string | undefined
  let arrivalDate: string | undefined
  const recipients: DsnRecipientFields[] = []
  for (const block of fieldBlocks(text)) {
    if (block['reporting-mta']) reportingMta ??= valueOf(block['reporting-mta'])
    if (block['arrival-date']) arrivalDate ??= block['arrival-date']
    if (block['final-recipient']) recipients.push(toRecipient(block))
  }
  return { reportingMta, arrivalDate, recipients }
}

/**
 * The blocks of fields: RFC 3464 §2.1 separates them by blank lines; a field met twice
 * in one block (DSNs written without blank lines) also starts a new one.
 */
function fieldBlocks(text: string): Record<string, string>[] {
  const blocks: Record<string, string>[] = []
  let block: Record<string, string> = {}
  let last = ''
  const flush = () => {
    if (Object.keys(block).length > 0) blocks.push(block)
    block = {}
    last = ''
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      flush()
      continue
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      block[last] += ' ' + line.trim()
      continue
    }
    const match = FIELD.exec(line)
    if (!match) continue
    const name = match[1].toLowerCase()
    if (name in block) flush()
    block[name] = match[2].trim()
    last = name
  }
  flush()
  return blocks
}

function toRecipient(fields: Record<string, string>): DsnRecipientFields {
  const action = fields.action?.toLowerCase().trim()
  const status = STATUS.exec(fields.status?.trim() ?? '')?.[0]
  const diagnostic = fields['diagnostic-code'] ?? ''
  const semicolon = diagnostic.indexOf(';')
  const diagnosticType = semicolon > 0 && semicolon < 20 ? diagnostic.slice(0, semicolon).trim().toLowerCase() : undefined
  const diagnosticCode = (diagnosticType !== undefined ? diagnostic.slice(semicolon + 1) : diagnostic).trim()
  return {
    recipient: valueOf(fields['final-recipient']).replace(/^<|>$/g, ''),
    originalRecipient: fields['original-recipient'] ? valueOf(fields['original-recipient']).replace(/^<|>$/g, '') : undefined,
    action: action && ACTIONS.has(action) ? (action as DsnAction) : undefined,
    status,
    remoteMta: fields['remote-mta'] ? valueOf(fields['remote-mta']) || undefined : undefined,
    diagnosticCode: diagnosticCode || undefined,
    diagnosticType,
    lastAttemptDate: fields['last-attempt-date'],
  }
}

/** "rfc822; kijitora@example.jp" → "kijitora@example.jp"; "dns; mx.example.jp" → "mx.example.jp" */
function valueOf(field: string): string {
  const semicolon = field.indexOf(';')
  return (semicolon === -1 ? field : field.slice(semicolon + 1)).trim()
}

/**
 * Of the texts a bounce gives for one recipient (the human-readable paragraph, the DSN's
 * Diagnostic-Code, a session transcript), the most complete one: whitespace collapsed, the
 * longest wins. The human-readable part usually quotes the whole remote reply and the
 * command it answered; the DSN field is often cut or folded.
 */
export function fullestDiagnostic(...texts: (string | undefined)[]): string | undefined {
  let best: string | undefined
  for (const text of texts) {
    const flat = text?.replace(/\s+/g, ' ').trim()
    if (flat && (best === undefined || flat.length > best.length)) best = flat
  }
  return best
}
