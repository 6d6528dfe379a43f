// The cheap facts the sources' guards ask of a mail, each computed once per mail. The engine
// asks ~55 sources in order, and most guards look at the same few things: the lower-cased
// Subject, From, Message-ID, Content-Type and X-Mailer, the Received lines, the text lower-cased
// (whole, or its first N characters). Asked of each source afresh, these were half the time spent
// on a mail no source claims early. Each fact is exactly the expression a guard used to write
// (`(mail.headers.get('subject') ?? '').toLowerCase()`), so no source's answer changes.
import type { ParsedMail } from '../mail/index.ts'
import { parseDeliveryStatus, type DeliveryStatusFields } from './delivery-status.ts'

const NON_ASCII = /[^\x00-\x7f]/

/** One mail's guard facts; each getter computes on first use and keeps the value. */
export class MailFacts {
  readonly #mail: ParsedMail
  #subject: string | undefined = undefined
  #from: string | undefined = undefined
  #messageId: string | undefined = undefined
  #contentType: string | undefined = undefined
  #xMailer: string | undefined = undefined
  #received: readonly string[] | undefined = undefined
  #receivedLower: readonly string[] | undefined = undefined
  #text: string | undefined = undefined
  #headChars: number[] = []
  #asciiChars: number | undefined = undefined
  #heads: string[] = []
  #deliveryStatus: string | undefined = undefined
  #report: DeliveryStatusFields | undefined = undefined

  constructor(mail: ParsedMail) {
    this.#mail = mail
  }

  /** Subject, lower-cased ('' when absent). */
  get subject(): string {
    return (this.#subject ??= (this.#mail.headers.get('subject') ?? '').toLowerCase())
  }

  /** From, lower-cased ('' when absent). */
  get from(): string {
    return (this.#from ??= (this.#mail.headers.get('from') ?? '').toLowerCase())
  }

  /** Message-ID, lower-cased ('' when absent). */
  get messageId(): string {
    return (this.#messageId ??= (this.#mail.headers.get('message-id') ?? '').toLowerCase())
  }

  /** Content-Type, lower-cased ('' when absent). */
  get contentType(): string {
    return (this.#contentType ??= (this.#mail.headers.get('content-type') ?? '').toLowerCase())
  }

  /** X-Mailer, lower-cased ('' when absent). */
  get xMailer(): string {
    return (this.#xMailer ??= (this.#mail.headers.get('x-mailer') ?? '').toLowerCase())
  }

  /** Every Received field, as written, in order. */
  get received(): readonly string[] {
    return (this.#received ??= this.#mail.headers.getAll('received'))
  }

  /** Every Received field, lower-cased, in order. */
  get receivedLower(): readonly string[] {
    return (this.#receivedLower ??= this.received.map((line) => line.toLowerCase()))
  }

  /** The human-readable text, lower-cased. */
  get text(): string {
    return (this.#text ??= this.#mail.text.toLowerCase())
  }

  /** The delivery-status part, lower-cased; undefined when there is none. */
  get deliveryStatus(): string | undefined {
    if (this.#mail.deliveryStatus === undefined) return undefined
    return (this.#deliveryStatus ??= this.#mail.deliveryStatus.toLowerCase())
  }

  /** How many characters the text opens with before its first non-ASCII one. */
  #asciiPrefix(): number {
    if (this.#asciiChars === undefined) {
      const at = this.#mail.text.search(NON_ASCII)
      this.#asciiChars = at === -1 ? this.#mail.text.length : at
    }
    return this.#asciiChars
  }

  /**
   * The delivery-status part's fields: `parseDeliveryStatus(mail.deliveryStatus)`. Many sources
   * read them in turn (SES, Office 365, Postfix, Sendmail…); plain readonly data, shared.
   */
  get report(): DeliveryStatusFields {
    return (this.#report ??= parseDeliveryStatus(this.#mail.deliveryStatus))
  }

  /** The first `chars` characters of the text, lower-cased: `mail.text.slice(0, chars).toLowerCase()`. */
  head(chars: number): string {
    const at = this.#headChars.indexOf(chars)
    if (at !== -1) return this.#heads[at]
    // Over ASCII, lower-casing maps each character on its own: the head of the lower-cased text,
    // when a guard has made it already, is the lower-cased head.
    const head = this.#text !== undefined && Math.min(chars, this.#mail.text.length) <= this.#asciiPrefix()
      ? this.#text.slice(0, chars)
      : this.#mail.text.slice(0, chars).toLowerCase()
    this.#headChars.push(chars)
    this.#heads.push(head)
    return head
  }
}

// Kept on the mail object itself, under a symbol only this module knows: the facts live exactly
// as long as the mail. (A WeakMap of mails left the garbage collector a table of ephemerons to
// walk, costing more than the facts saved; a module-level "last mail" kept a dropped mail alive.)
const FACTS = Symbol('bounce source facts')

type WithFacts = ParsedMail & { [FACTS]?: MailFacts }

/** The guard facts of a mail, made on first use. */
export function factsOf(mail: ParsedMail): MailFacts {
  return ((mail as WithFacts)[FACTS] ??= new MailFacts(mail))
}
