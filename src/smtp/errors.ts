import { TodokuError } from '../core/index.ts'
import type { SmtpReply } from './reply.ts'

/** The codes an SmtpError carries, one line each on what failed. */
export type SmtpErrorCode =
  /** the TCP connection could not be made (refused, unreachable, bad local address) */
  | 'SMTP_CONNECT_FAILED'
  /** a connect, command or DATA timeout ran out */
  | 'SMTP_TIMEOUT'
  /** the server greeted with 4xx/5xx instead of 220 */
  | 'SMTP_GREETING_REJECTED'
  /** the server refused both EHLO and HELO */
  | 'SMTP_EHLO_REJECTED'
  /** TLS was required and the server did not offer STARTTLS (TLS-RPT: starttls-not-supported) */
  | 'SMTP_TLS_NOT_OFFERED'
  /** STARTTLS was refused, the handshake failed or the certificate did not validate */
  | 'SMTP_TLS_FAILED'
  /** the connection closed or broke before the reply we waited for */
  | 'SMTP_DISCONNECTED'
  /** the server sent something that is not an SMTP reply, or too much of it */
  | 'SMTP_PROTOCOL_ERROR'
  /** the message needs an extension the server lacks (SMTPUTF8) */
  | 'SMTP_EXTENSION_MISSING'
  /** the connection was used wrongly (two transactions at once, after close) */
  | 'SMTP_MISUSE'

/**
 * A failed SMTP conversation. Replies to MAIL, RCPT and DATA are outcomes and come back as
 * values; this is for what breaks the conversation. Carries the command and reply as
 * nodemailer's `_formatError` does (nodemailer/nodemailer:lib/smtp-connection/index.js).
 */
export class SmtpError extends TodokuError {
  /** the command we had sent ('CONNECT', 'GREETING', 'EHLO', 'STARTTLS', 'DATA', 'MESSAGE' …) */
  readonly command: string
  readonly reply?: SmtpReply
  readonly replyCode?: number
  readonly enhancedStatus?: string
  /** whether trying again later (or elsewhere) may succeed */
  readonly temporary: boolean

  constructor(
    code: SmtpErrorCode,
    message: string,
    details: { command: string; reply?: SmtpReply; temporary: boolean; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'SmtpError'
    this.command = details.command
    this.temporary = details.temporary
    if (details.reply !== undefined) {
      this.reply = details.reply
      this.replyCode = details.reply.code
      if (details.reply.enhancedStatus !== undefined) this.enhancedStatus = details.reply.enhancedStatus
    }
  }
}
