// A structured message (the Nodemailer shape) checked field by field, then composed into
// RFC 5322 bytes with Nodemailer's MailComposer. The checks are pure; composing only builds bytes.
import MailComposer from 'nodemailer/lib/mail-composer'
import { parseAddress, splitAddressList, type Address } from './address.ts'
import type { AttachmentInput, FieldError, MailboxInput, MailboxListInput, MessageCharset, StructuredMessage } from './inject-request.ts'
import { MESSAGE_CHARSETS } from './inject-request.ts'
import { encodeIso2022Jp, encodeIso2022JpWord, findCharacterOutsideIso2022Jp } from './iso-2022-jp.ts'

/** Threat: a request with thousands of header fields, each cheap to send and costly to fold and store. */
export const MAX_CUSTOM_HEADERS = 100
/** Threat: one huge header value folded into thousands of lines that receivers reject anyway. */
export const MAX_HEADER_VALUE_LENGTH = 8 * 1024
/** RFC 5322 §2.1.1 caps a line at 998; a subject beyond a few lines is no subject. */
export const MAX_SUBJECT_LENGTH = 2 * 1024
/** Threat: a message split into so many MIME parts that composing it eats the event loop. */
export const MAX_ATTACHMENTS = 100
/** Threat: an "address list" string of megabytes split and parsed piece by piece. */
export const MAX_ADDRESS_LIST_ENTRIES = 1000

/**
 * Header fields the structured fields own: set them through `from`, `subject`… (or send a raw
 * message). MIME structure is Nodemailer's; DKIM-Signature and Return-Path are the delivery
 * engine's; Bcc must never reach the headers.
 */
const RESERVED_HEADERS = new Map<string, string>([
  ['from', 'the `from` field'], ['sender', 'the `sender` field'], ['to', 'the `to` field'], ['cc', 'the `cc` field'],
  ['bcc', 'the `bcc` field (Bcc never goes in the headers)'], ['reply-to', 'the `replyTo` field'], ['subject', 'the `subject` field'],
  ['message-id', 'the `messageId` field'], ['date', 'nothing: todoku sets Date when it accepts the message'],
  ['in-reply-to', 'the `inReplyTo` field'], ['references', 'the `references` field'],
  ['mime-version', 'nothing: the MIME structure is built from text, html and attachments'],
  ['content-type', 'nothing: the MIME structure is built from text, html and attachments'],
  ['content-transfer-encoding', 'nothing: the MIME structure is built from text, html and attachments'],
  ['dkim-signature', 'nothing: todoku signs with the sending domain\'s keys'], ['return-path', 'nothing: the receiver adds it'],
])
// RFC 5322 §3.6.8 ftext: printable ASCII but ':'.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/
// CR, LF and NUL end a header line early (header injection); other controls have no place either.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/
const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i

/** A structured message whose every field passed. */
export interface CheckedMessage {
  readonly from: Address
  readonly sender?: Address
  readonly to: readonly Address[]
  readonly cc: readonly Address[]
  readonly bcc: readonly Address[]
  readonly replyTo: readonly Address[]
  readonly subject?: string
  readonly text?: string
  readonly html?: string
  readonly headers: readonly { readonly name: string; readonly value: string }[]
  readonly attachments: readonly AttachmentInput[]
  readonly messageId?: string
  readonly inReplyTo?: string
  readonly references?: readonly string[]
  readonly charset: MessageCharset
}

export type CheckResult = { readonly ok: true; readonly message: CheckedMessage } | { readonly ok: false; readonly errors: FieldError[] }

/** Check every field, collecting every problem (not only the first). */
export function checkStructuredMessage(input: StructuredMessage): CheckResult {
  const errors: FieldError[] = []
  const from = checkMailbox(input.from, 'from', errors, true)
  const sender = input.sender === undefined ? undefined : checkMailbox(input.sender, 'sender', errors, true)
  const to = checkMailboxList(input.to, 'to', errors)
  const cc = checkMailboxList(input.cc, 'cc', errors)
  const bcc = checkMailboxList(input.bcc, 'bcc', errors)
  const replyTo = checkMailboxList(input.replyTo, 'replyTo', errors)
  const subject = checkText(input.subject, 'subject', MAX_SUBJECT_LENGTH, errors)
  if (input.text !== undefined && typeof input.text !== 'string') errors.push({ field: 'text', message: 'expected a string' })
  if (input.html !== undefined && typeof input.html !== 'string') errors.push({ field: 'html', message: 'expected a string' })
  const headers = checkHeaders(input.headers, errors)
  const attachments = checkAttachments(input.attachments, errors)
  const messageId = checkMessageId(input.messageId, 'messageId', errors)
  const inReplyTo = checkMessageId(input.inReplyTo, 'inReplyTo', errors)
  const referenceList = input.references === undefined ? undefined : typeof input.references === 'string' ? input.references.trim().split(/\s+/) : input.references
  const references = referenceList?.map((id, index) => checkMessageId(id, `references[${index}]`, errors) ?? '')
  const charset = input.charset ?? 'utf-8'
  if (!MESSAGE_CHARSETS.includes(charset)) errors.push({ field: 'charset', message: `${JSON.stringify(charset)} is not supported: expected one of ${MESSAGE_CHARSETS.join(', ')}` })
  if (charset === 'iso-2022-jp') {
    for (const field of ['subject', 'text', 'html'] as const) {
      const value = input[field]
      const outside = typeof value === 'string' ? findCharacterOutsideIso2022Jp(value) : undefined
      if (outside !== undefined) errors.push({ field, message: `${JSON.stringify(outside)} can't be written in ISO-2022-JP: expected JIS X 0208 characters only, or charset "utf-8"` })
    }
  }
  if (errors.length > 0 || from === undefined) return { ok: false, errors }
  return {
    ok: true,
    message: {
      from, to, cc, bcc, replyTo, headers, attachments, charset,
      ...(sender === undefined ? {} : { sender }),
      ...(subject === undefined ? {} : { subject }),
      ...(input.text === undefined ? {} : { text: input.text }),
      ...(input.html === undefined ? {} : { html: input.html }),
      ...(messageId === undefined ? {} : { messageId }),
      ...(inReplyTo === undefined ? {} : { inReplyTo }),
      ...(references === undefined ? {} : { references }),
    },
  }
}

function checkMailbox(input: MailboxInput | undefined, field: string, errors: FieldError[], isRequired: boolean): Address | undefined {
  if (input === undefined || input === '') {
    if (isRequired) errors.push({ field, message: 'missing: expected a mailbox such as "Name <local@domain>"' })
    return undefined
  }
  let text: string
  let name: string | undefined
  if (typeof input === 'string') text = input
  else if (typeof input === 'object' && input !== null && typeof input.address === 'string') {
    text = input.address
    name = input.name
    if (name !== undefined && (typeof name !== 'string' || CONTROL.test(name))) {
      errors.push({ field: `${field}.name`, message: 'expected a string without control characters (CR, LF, NUL)' })
      return undefined
    }
  } else {
    errors.push({ field, message: 'expected a string "Name <local@domain>" or { name, address }' })
    return undefined
  }
  const parsed = parseAddress(text)
  if (!parsed.ok) {
    errors.push({ field: name === undefined ? field : `${field}.address`, message: parsed.error })
    return undefined
  }
  return name === undefined || name === '' ? parsed.address : { ...parsed.address, display: name }
}

function checkMailboxList(input: MailboxListInput | undefined, field: string, errors: FieldError[]): Address[] {
  if (input === undefined) return []
  const entries: { input: MailboxInput; field: string }[] = []
  if (Array.isArray(input)) {
    input.forEach((entry: MailboxInput, index: number) => entries.push({ input: entry, field: `${field}[${index}]` }))
  } else if (typeof input === 'string') {
    const pieces = splitAddressList(input)
    if (pieces.length === 1) entries.push({ input: pieces[0], field })
    else pieces.forEach((piece, index) => entries.push({ input: piece, field: `${field}[${index}]` }))
  } else {
    entries.push({ input: input as MailboxInput, field })
  }
  if (entries.length > MAX_ADDRESS_LIST_ENTRIES) {
    errors.push({ field, message: `${entries.length} addresses: expected at most ${MAX_ADDRESS_LIST_ENTRIES}` })
    return []
  }
  const addresses: Address[] = []
  for (const entry of entries) {
    const address = checkMailbox(entry.input, entry.field, errors, true)
    if (address !== undefined) addresses.push(address)
  }
  return addresses
}

function checkText(value: unknown, field: string, maxLength: number, errors: FieldError[]): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') errors.push({ field, message: 'expected a string' })
  else if (value.length > maxLength) errors.push({ field, message: `${value.length} characters: expected at most ${maxLength}` })
  else if (CONTROL.test(value)) errors.push({ field, message: 'contains a control character (CR, LF, NUL…): expected one line of text' })
  else return value
  return undefined
}

function checkHeaders(input: StructuredMessage['headers'], errors: FieldError[]): { name: string; value: string }[] {
  if (input === undefined) return []
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    errors.push({ field: 'headers', message: 'expected an object of header names to values' })
    return []
  }
  const headers: { name: string; value: string }[] = []
  for (const [name, raw] of Object.entries(input)) {
    const field = `headers.${name}`
    if (!FIELD_NAME.test(name)) {
      errors.push({ field, message: `${JSON.stringify(name)} is not a header field name: expected printable ASCII without ':' or spaces` })
      continue
    }
    const reservedFor = RESERVED_HEADERS.get(name.toLowerCase())
    if (reservedFor !== undefined) {
      errors.push({ field, message: `${name} can't be set as a header: use ${reservedFor}` })
      continue
    }
    const values = Array.isArray(raw) ? raw : [raw]
    for (const value of values) {
      const checked = checkText(value, field, MAX_HEADER_VALUE_LENGTH, errors)
      if (checked !== undefined) headers.push({ name, value: checked })
    }
  }
  if (headers.length > MAX_CUSTOM_HEADERS) errors.push({ field: 'headers', message: `${headers.length} header fields: expected at most ${MAX_CUSTOM_HEADERS}` })
  return headers
}

function checkAttachments(input: StructuredMessage['attachments'], errors: FieldError[]): AttachmentInput[] {
  if (input === undefined) return []
  if (!Array.isArray(input)) {
    errors.push({ field: 'attachments', message: 'expected an array of { filename, content (base64), contentType }' })
    return []
  }
  if (input.length > MAX_ATTACHMENTS) {
    errors.push({ field: 'attachments', message: `${input.length} attachments: expected at most ${MAX_ATTACHMENTS}` })
    return []
  }
  input.forEach((attachment: AttachmentInput, index: number) => {
    const field = `attachments[${index}]`
    if (typeof attachment !== 'object' || attachment === null) errors.push({ field, message: 'expected { filename, content (base64), contentType }' })
    else if (typeof attachment.content !== 'string' || !BASE64.test(attachment.content)) errors.push({ field: `${field}.content`, message: 'expected the file\'s bytes in base64' })
    else if (attachment.filename !== undefined && (typeof attachment.filename !== 'string' || CONTROL.test(attachment.filename) || attachment.filename.length > 255)) {
      errors.push({ field: `${field}.filename`, message: 'expected a file name of at most 255 characters without control characters' })
    } else if (attachment.contentType !== undefined && (typeof attachment.contentType !== 'string' || !CONTENT_TYPE.test(attachment.contentType))) {
      errors.push({ field: `${field}.contentType`, message: `${JSON.stringify(attachment.contentType)}: expected a MIME type such as application/pdf` })
    } else if (attachment.cid !== undefined && (typeof attachment.cid !== 'string' || !/^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/.test(attachment.cid))) {
      errors.push({ field: `${field}.cid`, message: 'expected a Content-ID such as logo@example.jp' })
    } else if (attachment.contentDisposition !== undefined && attachment.contentDisposition !== 'attachment' && attachment.contentDisposition !== 'inline') {
      errors.push({ field: `${field}.contentDisposition`, message: 'expected "attachment" or "inline"' })
    }
  })
  return input
}

function checkMessageId(value: unknown, field: string, errors: FieldError[]): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value.length <= 250 && MESSAGE_ID.test(value)) return value
  errors.push({ field, message: `${JSON.stringify(value)}: expected a message id such as <id@example.jp>` })
  return undefined
}

export interface ComposeContext {
  /** Date header, epoch ms */
  readonly nowMs: number
  /** Message-ID when the message has none ('<id@sendingdomain>') */
  readonly messageId: string
  /** MIME boundary base, from the Random port, so tests can pin the bytes */
  readonly boundary: string
}

/** The message's RFC 5322 bytes, CRLF line ends, Bcc left out. */
export async function composeMessage(message: CheckedMessage, context: ComposeContext): Promise<Buffer> {
  const isJis = message.charset === 'iso-2022-jp'
  const headers: { key: string; value: string; prepared?: boolean }[] = message.headers.map(({ name, value }) => ({ key: name, value }))
  if (isJis && message.subject !== undefined) headers.push({ key: 'Subject', value: encodeIso2022JpWord(message.subject), prepared: true })
  const composer = new MailComposer({
    from: toComposerAddress(message.from),
    ...(message.sender === undefined ? {} : { sender: toComposerAddress(message.sender) }),
    to: message.to.map(toComposerAddress),
    cc: message.cc.map(toComposerAddress),
    replyTo: message.replyTo.map(toComposerAddress),
    ...(message.subject === undefined || isJis ? {} : { subject: message.subject }),
    ...bodyParts(message, isJis),
    headers,
    // Only content from the request, never `path` or `href`: Nodemailer would read a file or
    // fetch a URL the client names.
    attachments: message.attachments.map((attachment) => ({
      content: Buffer.from(attachment.content, 'base64'),
      ...(attachment.filename === undefined ? {} : { filename: attachment.filename }),
      ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
      ...(attachment.cid === undefined ? {} : { cid: attachment.cid }),
      ...(attachment.contentDisposition === undefined ? {} : { contentDisposition: attachment.contentDisposition }),
    })),
    messageId: message.messageId ?? context.messageId,
    ...(message.inReplyTo === undefined ? {} : { inReplyTo: message.inReplyTo }),
    ...(message.references === undefined ? {} : { references: [...message.references] }),
    date: new Date(context.nowMs),
    baseBoundary: context.boundary,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  return composer.compile().build()
}

/**
 * text and html for MailComposer. The common bulk shape — both parts, plain ASCII, no
 * attachments — goes in as ready 7bit MIME parts: MimeNode would otherwise quoted-printable
 * encode every line over 76 characters, character by character, about 2/3 of the cost of
 * composing a 10 KB newsletter. ISO-2022-JP parts are alternatives too: MailComposer forces
 * charset=utf-8 on text and html.
 */
function bodyParts(message: CheckedMessage, isJis: boolean): { text?: string; html?: string; alternatives?: { raw: string }[] | ReturnType<typeof jisPart>[] } {
  const { text, html } = message
  if (isJis) return { alternatives: [...(text === undefined ? [] : [jisPart(text, 'text/plain')]), ...(html === undefined ? [] : [jisPart(html, 'text/html')])] }
  if (text !== undefined && html !== undefined && message.attachments.length === 0 && isSevenBitText(text) && isSevenBitText(html)) {
    return { alternatives: [sevenBitPart(text, 'text/plain'), sevenBitPart(html, 'text/html')] }
  }
  return { ...(text === undefined ? {} : { text }), ...(html === undefined ? {} : { html }) }
}

// RFC 2045 §2.7 7bit data: ASCII without NUL, CR and LF only as line ends, lines ≤ 998 octets.
const SEVEN_BIT = /^[\t\r\n\x20-\x7e]*$/
const MAX_LINE_OCTETS = 998

function isSevenBitText(text: string): boolean {
  if (!SEVEN_BIT.test(text)) return false
  let start = 0
  for (;;) {
    const end = text.indexOf('\n', start)
    const lineEnd = end < 0 ? text.length : end
    const cr = text.indexOf('\r', start)
    if (cr >= 0 && cr < lineEnd - 1) return false // a CR that ends no line
    if (lineEnd - start > MAX_LINE_OCTETS + (text[lineEnd - 1] === '\r' ? 1 : 0)) return false
    if (end < 0) return true
    start = end + 1
  }
}

function sevenBitPart(text: string, contentType: string): { raw: string } {
  const body = text.replace(/\r?\n/g, '\r\n')
  return { raw: `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}` }
}

function toComposerAddress(address: Address): { name: string; address: string } {
  return { name: address.display ?? '', address: address.text }
}

/**
 * An ISO-2022-JP part, base64: MimeNode reads the ESC bytes of ISO-2022-JP as 8-bit and would
 * pick quoted-printable over a requested 7bit; carriers' handsets decode base64 parts.
 */
function jisPart(text: string, contentType: string): { content: Buffer; contentType: string; contentTransferEncoding: string } {
  return { content: encodeIso2022Jp(text.replace(/\r?\n/g, '\r\n')), contentType: `${contentType}; charset=ISO-2022-JP`, contentTransferEncoding: 'base64' }
}
