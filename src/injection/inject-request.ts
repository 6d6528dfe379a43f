// What injection takes and answers: shared by the HTTP API, SMTP submission and `todoku send`.
import type { Finding } from '../content/index.ts'

/** One mailbox: 'taro@example.jp', 'Taro <taro@example.jp>' or { name, address }. */
export type MailboxInput = string | { readonly name?: string; readonly address: string }
/** A mailbox, a comma-separated list of them in one string, or an array. */
export type MailboxListInput = MailboxInput | readonly MailboxInput[]

export interface AttachmentInput {
  /** the file's name, shown to the recipient */
  readonly filename?: string
  /** the file's bytes, base64 */
  readonly content: string
  /** MIME type; guessed from the filename when absent */
  readonly contentType?: string
  /** Content-ID, for an image the html shows as `cid:…` */
  readonly cid?: string
  readonly contentDisposition?: 'attachment' | 'inline'
}

/** Charsets a structured message's text, html and subject can be encoded in. */
export type MessageCharset = 'utf-8' | 'iso-2022-jp'
export const MESSAGE_CHARSETS: readonly MessageCharset[] = ['utf-8', 'iso-2022-jp']

/** A message as Nodemailer users write one; todoku composes the RFC 5322 bytes. */
export interface StructuredMessage {
  readonly from: MailboxInput
  readonly sender?: MailboxInput
  readonly to?: MailboxListInput
  readonly cc?: MailboxListInput
  /** receive the message, never appear in its headers */
  readonly bcc?: MailboxListInput
  readonly replyTo?: MailboxListInput
  readonly subject?: string
  readonly text?: string
  readonly html?: string
  /** extra header fields (List-Unsubscribe, List-Unsubscribe-Post, X-…); a list repeats the field */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
  readonly attachments?: readonly AttachmentInput[]
  /** '<id@domain>'; default: a new one at the sending domain */
  readonly messageId?: string
  readonly inReplyTo?: string
  readonly references?: string | readonly string[]
  /**
   * 'utf-8' (default), or 'iso-2022-jp' for Japanese carriers' older handsets, which show
   * only that charset: text, html and subject are then encoded in ISO-2022-JP.
   */
  readonly charset?: MessageCharset
}

export interface InjectEnvelope {
  /** MAIL FROM; '' for the null sender. The delivery engine swaps in a VERP return path. */
  readonly mailFrom: string
  readonly recipients: readonly string[]
}

export interface InjectRequest {
  readonly tenantId: string
  /** the client's Idempotency-Key: a repeat answers the first message's ids and stores nothing */
  readonly idempotencyKey?: string
  /** either a structured message… */
  readonly message?: StructuredMessage
  /** …or a whole RFC 5322 message (LF or CRLF line ends) with its envelope */
  readonly raw?: Uint8Array
  /** for raw: required; for structured: replaces From and to/cc/bcc as the envelope */
  readonly envelope?: InjectEnvelope
  readonly tags?: readonly string[]
  readonly metadata?: Readonly<Record<string, string>>
  /** egress pool to send from */
  readonly pool?: string
  /** not before this time (epoch ms) */
  readonly sendAtMs?: number
  /** bulk mail (a campaign): the preflight expects unsubscribe fields and an opt-out in the body */
  readonly bulk?: boolean
  /** advertising mail: the preflight expects 特定電子メール法's display items */
  readonly advertising?: boolean
}

/** Why a request was refused, per field ('to[2]', 'headers.Bcc', 'raw'), saying what was expected. */
export interface FieldError {
  readonly field: string
  readonly message: string
}

/**
 * invalid_message: the request breaks syntax (an address, a header) — 400;
 * message_too_large: over the size limit — 413;
 * too_many_recipients, sender_domain_not_configured: well-formed but not acceptable — 422;
 * content_rejected: the preflight found what the account's policy rejects — 422;
 * content_check_unavailable: a scanner the policy rejects on could not be asked — 503, try again.
 */
export type InjectErrorCode = 'invalid_message' | 'message_too_large' | 'too_many_recipients' | 'sender_domain_not_configured' |
  'content_rejected' | 'content_check_unavailable'

export type InjectResult =
  | {
    readonly ok: true
    readonly messageId: string
    /** in envelope order, duplicates removed */
    readonly recipients: readonly { readonly id: string; readonly address: string }[]
    /** the idempotency key was seen before: these are the first request's ids, nothing new was stored */
    readonly isReplay: boolean
    /** the preflight's findings the account's policy warns about (stored with the message) */
    readonly findings?: readonly Finding[]
  }
  | {
    readonly ok: false
    readonly status: 400 | 413 | 422 | 503
    readonly code: InjectErrorCode
    readonly errors: readonly FieldError[]
    /** for content_rejected: the findings that refused the message, then the others */
    readonly findings?: readonly Finding[]
  }

export interface InjectLimits {
  /** the whole message as stored, headers included; default 25 MiB */
  readonly maxMessageBytes: number
  /** envelope recipients of one message; default 1000 */
  readonly maxRecipients: number
}

export const DEFAULT_INJECT_LIMITS: InjectLimits = { maxMessageBytes: 25 * 1024 * 1024, maxRecipients: 1000 }
