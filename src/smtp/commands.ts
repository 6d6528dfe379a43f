// The envelope commands, as text (RFC 5321 §4.1.1.2–3 and the extensions' parameters). Pure.
import { SmtpError } from './errors.ts'
import type { EhloCapabilities } from './reply.ts'

/** One mail transaction's envelope. */
export interface Envelope {
  /** the reverse path; '' for the null sender (bounces) */
  readonly mailFrom: string
  readonly recipients: readonly string[]
  /** message size in bytes for RFC 1870 SIZE=; the message's own length when absent */
  readonly size?: number
  /** the envelope or headers need RFC 6531 SMTPUTF8 */
  readonly smtpUtf8?: boolean
}

/**
 * Longest address we put in a command: RFC 5321 §4.5.3.1 allows 64 + 1 + 255. Threat: an
 * injected multi-kilobyte "address" that the server answers by dropping the connection.
 */
export const MAX_ADDRESS_LENGTH = 320

// Control characters, '<' and '>': an address with CR/LF in it would inject commands
// ("a@b>\r\nRCPT TO:<victim@c"), and brackets would end the path early.
const UNSAFE_IN_ADDRESS = /[\u0000-\u001f\u007f<>]/

function checkAddress(address: string, role: string): void {
  if (address.length > MAX_ADDRESS_LENGTH || UNSAFE_IN_ADDRESS.test(address)) {
    throw new SmtpError('SMTP_MISUSE', `sending an envelope: ${role} ${JSON.stringify(address.slice(0, 100))} is not a mailbox: expected at most ${MAX_ADDRESS_LENGTH} characters and no control characters or angle brackets`, { command: role === 'sender' ? 'MAIL FROM' : 'RCPT TO', temporary: false })
  }
}

/** "MAIL FROM:<a@b> SIZE=123 SMTPUTF8 BODY=8BITMIME", with the parameters the server offers. */
export function formatMailFrom(envelope: Envelope, capabilities: EhloCapabilities, messageSize: number): string {
  checkAddress(envelope.mailFrom, 'sender')
  let command = `MAIL FROM:<${envelope.mailFrom}>`
  if (capabilities.size !== undefined) command += ` SIZE=${envelope.size ?? messageSize}`
  if (envelope.smtpUtf8 === true) {
    if (!capabilities.smtpUtf8) {
      throw new SmtpError('SMTP_EXTENSION_MISSING', `sending from ${JSON.stringify(envelope.mailFrom)}: the message needs SMTPUTF8 (RFC 6531) and the server does not offer it`, { command: 'MAIL FROM', temporary: false })
    }
    command += ' SMTPUTF8'
    if (capabilities.eightBitMime) command += ' BODY=8BITMIME'
  }
  return command
}

export function formatRcptTo(address: string): string {
  checkAddress(address, 'recipient')
  return `RCPT TO:<${address}>`
}
