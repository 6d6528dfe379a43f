import type { RecipientState } from './recipient-state.ts'

/** A message to queue: its envelope, its bytes (stored once) and its recipients. */
export interface NewMessage {
  readonly tenantId: string
  /**
   * The client's `Idempotency-Key`, unique per tenant: a second insert with the same key
   * stores nothing and answers the first insert's ids. A key is kept until retention forgets
   * it (`RetentionStore.prune`; `todoku serve` forgets keys a day old by default, config
   * `retention.idempotencyKeysMs`) or its message is pruned; an insert with the key after that queues a new message.
   */
  readonly idempotencyKey?: string
  /** envelope sender (MAIL FROM) as given; '' for the null sender */
  readonly mailFrom: string
  /** the configured sending domain the message is sent for (DKIM keys, bounce domain) */
  readonly sendingDomain: string
  /** egress pool asked for (by API field, tag or domain), if any */
  readonly pool?: string
  readonly recipients: readonly NewRecipient[]
  /** the whole RFC 5322 message, CRLF line ends, as it will be signed and sent */
  readonly content: Uint8Array
  readonly tags?: readonly string[]
  readonly metadata?: Readonly<Record<string, string>>
  /** first delivery attempt not before this (scheduled sending); default: now */
  readonly sendAtMs?: number
}

export interface NewRecipient {
  /**
   * The address as accepted (a legacy `taro..yamada.@docomo.ne.jp` stays as it is). At most
   * `MAX_ADDRESS_LENGTH` characters; the store enforces it per row, so a longer one fails the
   * insert midway and nothing of the message is kept.
   */
  readonly address: string
  /** the domain to resolve MX for; default: after the last '@', lower-cased */
  readonly domain?: string
}

/**
 * RFC 5321 §4.5.3.1.3: a path is at most 256 octets including its angle brackets, so an
 * address longer than 254 can't be sent; the limit also bounds what a hostile client stores.
 */
export const MAX_ADDRESS_LENGTH = 254

export interface InsertedMessage {
  readonly messageId: string
  /** in the order of `NewMessage.recipients` (for a replay, the first insert's order) */
  readonly recipients: readonly { readonly id: string; readonly address: string }[]
  /** true when the idempotency key was seen before and nothing was stored */
  readonly isReplay: boolean
}

/** What was tried for one recipient, and what the receiving server said. */
export interface AttemptDetails {
  readonly atMs: number
  /** egress source: local address the connection was bound to, and its EHLO name */
  readonly egressIp?: string
  readonly egressName?: string
  /** the MX host talked to ('' or absent when no connection was made) */
  readonly mxHost?: string
  /** basic reply code ('250', '451', '550') */
  readonly replyCode?: string
  /** enhanced status ('5.1.1') */
  readonly enhancedStatus?: string
  /** the reply text, continuation lines joined with '\n' */
  readonly replyText?: string
  /** the reply classifier's verdict: reason (Sisimai's word), action, and the rule that decided */
  readonly verdict?: { readonly reason: string; readonly action: string; readonly rule: string }
  /** the SMTP conversation, as the delivery engine chose to record it */
  readonly transcript?: string
  readonly durationMs?: number
}

export interface Attempt extends AttemptDetails {
  /** what the attempt led to for the recipient */
  readonly outcome: 'delivered' | 'deferred' | 'failed' | 'expired'
}

export interface LastReply {
  readonly atMs: number
  readonly replyCode: string
  readonly enhancedStatus: string
  readonly text: string
}

export interface RecipientView {
  readonly id: string
  readonly messageId: string
  readonly address: string
  readonly domain: string
  readonly state: RecipientState
  readonly attemptCount: number
  readonly nextAttemptAtMs: number
  readonly updatedAtMs: number
  /** the newest attempt that got a reply */
  readonly lastReply?: LastReply
  /** oldest first */
  readonly attempts: readonly Attempt[]
}

export interface MessageView {
  readonly id: string
  readonly tenantId: string
  readonly idempotencyKey?: string
  readonly mailFrom: string
  readonly sendingDomain: string
  readonly pool?: string
  readonly tags: readonly string[]
  readonly metadata: Readonly<Record<string, string>>
  readonly sizeBytes: number
  readonly createdAtMs: number
  /** in insertion order */
  readonly recipients: readonly RecipientView[]
}

/** Messages in, messages out. */
export interface MessageStore {
  /**
   * Store a message with its recipients in one transaction (committed, fsync'd, before the
   * promise resolves), and a `queued` event per recipient. Concurrent calls may share a commit.
   */
  insertMessage(message: NewMessage): Promise<InsertedMessage>
  /** the message with each recipient's state, attempts and last reply */
  getMessage(messageId: string): Promise<MessageView | undefined>
  /** the message's bytes, as inserted */
  getMessageContent(messageId: string): Promise<Uint8Array | undefined>
}
