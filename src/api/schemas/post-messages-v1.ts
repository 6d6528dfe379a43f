// POST /v1/messages: the request body and the answer, as JSON Schema. One source for request
// validation (fastify/ajv), the OpenAPI document, and the types the CLI and web client use.
import type { AttachmentInput, MailboxInput, MessageCharset } from '../../injection/index.ts'
import { findingV1, type FindingV1 } from './finding-v1.ts'

const mailbox = {
  description: 'a mailbox: "taro@example.jp", "Taro <taro@example.jp>" or { name, address }',
  oneOf: [
    { type: 'string', maxLength: 1024 },
    {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 256 }, address: { type: 'string', maxLength: 512 } },
      required: ['address'],
      additionalProperties: false,
    },
  ],
} as const

const mailboxList = {
  description: 'a mailbox, a comma-separated list of them, or an array of mailboxes',
  oneOf: [mailbox.oneOf[0], mailbox.oneOf[1], { type: 'array', items: mailbox, maxItems: 1000 }],
} as const

export const postMessagesV1Body = {
  type: 'object',
  description: 'Either a structured message (from, to, subject, text, html…: the shape Nodemailer users know) or a raw RFC 5322 message (raw, base64) with its envelope.',
  properties: {
    from: mailbox,
    sender: mailbox,
    to: mailboxList,
    cc: mailboxList,
    bcc: { ...mailboxList, description: 'recipients that never appear in the headers' },
    replyTo: mailboxList,
    subject: { type: 'string' },
    text: { type: 'string' },
    html: { type: 'string' },
    headers: {
      type: 'object',
      description: 'extra header fields such as List-Unsubscribe and List-Unsubscribe-Post; an array repeats the field',
      additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 100 }] },
    },
    attachments: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        properties: {
          filename: { type: 'string', maxLength: 255 },
          content: { type: 'string', description: 'the file\'s bytes, base64' },
          contentType: { type: 'string', maxLength: 255 },
          cid: { type: 'string', maxLength: 250 },
          contentDisposition: { enum: ['attachment', 'inline'] },
        },
        required: ['content'],
        additionalProperties: false,
      },
    },
    messageId: { type: 'string', maxLength: 250 },
    inReplyTo: { type: 'string', maxLength: 250 },
    references: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 100 }] },
    charset: { enum: ['utf-8', 'iso-2022-jp'], description: 'utf-8 (default), or iso-2022-jp for Japanese carriers\' older handsets' },
    raw: { type: 'string', description: 'a whole RFC 5322 message, base64; needs envelope' },
    envelope: {
      type: 'object',
      properties: {
        mailFrom: { type: 'string', maxLength: 512, description: 'MAIL FROM; "" for the null sender' },
        recipients: { type: 'array', items: { type: 'string', maxLength: 512 }, minItems: 1 },
      },
      required: ['mailFrom', 'recipients'],
      additionalProperties: false,
    },
    tags: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 20 },
    metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 1024 }, maxProperties: 50 },
    pool: { type: 'string', maxLength: 64, description: 'egress pool to send from' },
    sendAt: { type: 'string', format: 'date-time', description: 'not before this time (RFC 3339)' },
    bulk: { type: 'boolean', description: 'bulk mail (a campaign): the content preflight expects List-Unsubscribe, one-click and an opt-out in the body' },
    advertising: { type: 'boolean', description: 'advertising mail: the content preflight expects 特定電子メール法 display items (sender, opt-out, postal address, contact)' },
  },
  additionalProperties: false,
} as const

export interface PostMessagesV1Body {
  from?: MailboxInput
  sender?: MailboxInput
  to?: MailboxInput | MailboxInput[]
  cc?: MailboxInput | MailboxInput[]
  bcc?: MailboxInput | MailboxInput[]
  replyTo?: MailboxInput | MailboxInput[]
  subject?: string
  text?: string
  html?: string
  headers?: Record<string, string | string[]>
  attachments?: AttachmentInput[]
  messageId?: string
  inReplyTo?: string
  references?: string | string[]
  charset?: MessageCharset
  raw?: string
  envelope?: { mailFrom: string; recipients: string[] }
  tags?: string[]
  metadata?: Record<string, string>
  pool?: string
  sendAt?: string
  bulk?: boolean
  advertising?: boolean
}

export const postMessagesV1Response = {
  type: 'object',
  description: 'the message is on disk (committed, fsync\'d) and queued',
  properties: {
    id: { type: 'string' },
    recipients: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, address: { type: 'string' } }, required: ['id', 'address'] },
    },
    findings: { type: 'array', items: findingV1, description: 'what the content preflight warns about (the account\'s policy: warn); also stored with the message' },
  },
  required: ['id', 'recipients'],
} as const

export interface PostMessagesV1Response {
  id: string
  recipients: { id: string; address: string }[]
  findings?: FindingV1[]
}

export const idempotencyKeyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
} as const
