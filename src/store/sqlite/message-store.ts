import { TodokuError } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { Attempt, InsertedMessage, LastReply, MessageStore, MessageView, NewMessage, RecipientView } from '../message-store.ts'
import type { RecipientState } from '../recipient-state.ts'
import { describeWriteError, type SqliteContext } from './connection.ts'
import { createEventWriter } from './event-store.ts'
import { createGroupCommitter } from './group-commit.ts'

/**
 * How many inserts one commit takes at most. 64 concurrent API requests fit in one; past a
 * few hundred a bigger group saves no fsync worth the latency it adds to the first caller.
 */
const MAX_INSERTS_PER_COMMIT = 512
/** Commit once the pending messages weigh this much: bounds the WAL growth of one transaction. */
const MAX_BYTES_PER_COMMIT = 32 * 1024 * 1024

export interface MessageRow {
  id: string
  tenant_id: string
  idempotency_key: string | null
  mail_from: string
  sending_domain: string
  pool: string | null
  tags: string
  metadata: string
  size_bytes: number
  created_at: number
}

interface RecipientRow {
  id: string
  message_id: string
  address: string
  domain: string
  state: RecipientState
  attempt_count: number
  next_attempt_at: number
  updated_at: number
}

interface AttemptRow {
  recipient_id: string
  at: number
  outcome: Attempt['outcome']
  egress_ip: string | null
  egress_name: string | null
  mx_host: string | null
  reply_code: string | null
  enhanced_status: string | null
  reply_text: string | null
  verdict_reason: string | null
  verdict_action: string | null
  verdict_rule: string | null
  transcript: string | null
  duration_ms: number | null
}

/**
 * The SQLite store's write half for messages also serves the store's `close()` (pending
 * inserts flush first), and the worker thread, which runs its own group commit.
 */
export interface SqliteMessageStore extends MessageStore {
  flushPendingInserts(): void
  /** store `message` now, in the transaction the caller has open */
  writeMessageNow(message: NewMessage): InsertedMessage
}

/** Throws STORE_INVALID_INPUT for a message the store must refuse before any write (no recipients). */
export function checkNewMessage(message: NewMessage): void {
  if (message.recipients.length === 0) {
    throw new TodokuError(STORE_ERRORS.INVALID_INPUT, `storing a message for tenant ${message.tenantId}: it has no recipients, expected at least one`)
  }
}

export function createSqliteMessageStore(context: SqliteContext): SqliteMessageStore {
  const { db } = context
  const writeEvent = createEventWriter(context)
  const findByIdempotencyKey = db.prepare('SELECT id FROM messages WHERE tenant_id = ? AND idempotency_key = ?')
  const insertMessageRow = db.prepare(
    `INSERT INTO messages (id, tenant_id, idempotency_key, mail_from, sending_domain, pool, tags, metadata, size_bytes, created_at, open_recipients)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertContent = db.prepare('INSERT INTO message_contents (message_id, content) VALUES (?, ?)')
  const insertRecipient = db.prepare(
    `INSERT INTO recipients (id, message_id, position, address, domain, state, attempt_count, next_attempt_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
  )
  const selectMessage = db.prepare('SELECT * FROM messages WHERE id = ?')
  const selectContent = db.prepare('SELECT content FROM message_contents WHERE message_id = ?')
  const selectRecipientIds = db.prepare('SELECT id, address FROM recipients WHERE message_id = ? ORDER BY position')
  const selectRecipients = db.prepare(
    'SELECT id, message_id, address, domain, state, attempt_count, next_attempt_at, updated_at FROM recipients WHERE message_id = ? ORDER BY position',
  )
  const selectAttempts = db.prepare(
    `SELECT a.* FROM attempts a JOIN recipients r ON r.id = a.recipient_id WHERE r.message_id = ? ORDER BY a.id`,
  )

  function writeMessage(message: NewMessage): InsertedMessage {
    if (message.idempotencyKey !== undefined) {
      const existing = findByIdempotencyKey.get(message.tenantId, message.idempotencyKey) as { id: string } | undefined
      if (existing !== undefined) {
        const rows = selectRecipientIds.all(existing.id) as unknown as { id: string; address: string }[]
        const recipients = rows.map((row) => ({ id: row.id, address: row.address }))
        return { messageId: existing.id, recipients, isReplay: true }
      }
    }
    const nowMs = context.now()
    const messageId = context.newId()
    insertMessageRow.run(
      messageId,
      message.tenantId,
      message.idempotencyKey ?? null,
      message.mailFrom,
      message.sendingDomain.toLowerCase(),
      message.pool ?? null,
      JSON.stringify(message.tags ?? []),
      JSON.stringify(message.metadata ?? {}),
      message.content.byteLength,
      nowMs,
      message.recipients.length,
    )
    insertContent.run(messageId, message.content)
    const dueAtMs = message.sendAtMs ?? nowMs
    const recipients: { id: string; address: string }[] = []
    for (let position = 0; position < message.recipients.length; position++) {
      const recipient = message.recipients[position]
      const id = context.newId()
      const domain = recipient.domain ?? recipient.address.slice(recipient.address.lastIndexOf('@') + 1).toLowerCase()
      insertRecipient.run(id, messageId, position, recipient.address, domain, dueAtMs, nowMs)
      writeEvent({ type: 'queued', atMs: nowMs, tenantId: message.tenantId, messageId, recipientId: id, data: { address: recipient.address } })
      recipients.push({ id, address: recipient.address })
    }
    return { messageId, recipients, isReplay: false }
  }

  function writeMessageNow(message: NewMessage): InsertedMessage {
    try {
      return writeMessage(message)
    } catch (error) {
      throw describeWriteError(`storing a message for tenant ${message.tenantId} with ${message.recipients.length} recipient(s)`, error)
    }
  }

  const inserts = createGroupCommitter(
    db,
    writeMessageNow,
    (message) => message.content.byteLength,
    { maxWrites: MAX_INSERTS_PER_COMMIT, maxBytes: MAX_BYTES_PER_COMMIT },
  )

  return {
    insertMessage(message) {
      try {
        context.assertOpen('storing a message')
        checkNewMessage(message)
      } catch (error) {
        return Promise.reject(error)
      }
      return inserts.submit(message)
    },

    async getMessage(messageId) {
      context.assertOpen(`reading message ${messageId}`)
      const row = selectMessage.get(messageId) as MessageRow | undefined
      if (row === undefined) return undefined
      const attemptsByRecipient = new Map<string, Attempt[]>()
      for (const attemptRow of selectAttempts.all(messageId) as unknown as AttemptRow[]) {
        let list = attemptsByRecipient.get(attemptRow.recipient_id)
        if (list === undefined) attemptsByRecipient.set(attemptRow.recipient_id, (list = []))
        list.push(toAttempt(attemptRow))
      }
      const recipients = (selectRecipients.all(messageId) as unknown as RecipientRow[]).map((recipient) =>
        toRecipientView(recipient, attemptsByRecipient.get(recipient.id) ?? []),
      )
      return { ...toMessageFields(row), recipients } satisfies MessageView
    },

    async getMessageContent(messageId) {
      context.assertOpen(`reading the content of message ${messageId}`)
      const row = selectContent.get(messageId) as { content: Uint8Array } | undefined
      return row?.content
    },

    flushPendingInserts: () => inserts.flush(),
    writeMessageNow,
  }
}

export function toMessageFields(row: MessageRow): Omit<MessageView, 'recipients'> {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ...(row.idempotency_key !== null && { idempotencyKey: row.idempotency_key }),
    mailFrom: row.mail_from,
    sendingDomain: row.sending_domain,
    ...(row.pool !== null && { pool: row.pool }),
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    sizeBytes: row.size_bytes,
    createdAtMs: row.created_at,
  }
}

function toRecipientView(row: RecipientRow, attempts: Attempt[]): RecipientView {
  let lastReply: LastReply | undefined
  for (let i = attempts.length - 1; i >= 0 && lastReply === undefined; i--) {
    const attempt = attempts[i]
    if (attempt.replyCode !== undefined || attempt.replyText !== undefined) {
      lastReply = { atMs: attempt.atMs, replyCode: attempt.replyCode ?? '', enhancedStatus: attempt.enhancedStatus ?? '', text: attempt.replyText ?? '' }
    }
  }
  return {
    id: row.id,
    messageId: row.message_id,
    address: row.address,
    domain: row.domain,
    state: row.state,
    attemptCount: row.attempt_count,
    nextAttemptAtMs: row.next_attempt_at,
    updatedAtMs: row.updated_at,
    ...(lastReply !== undefined && { lastReply }),
    attempts,
  }
}

function toAttempt(row: AttemptRow): Attempt {
  const attempt: { -readonly [K in keyof Attempt]: Attempt[K] } = { atMs: row.at, outcome: row.outcome }
  if (row.egress_ip !== null) attempt.egressIp = row.egress_ip
  if (row.egress_name !== null) attempt.egressName = row.egress_name
  if (row.mx_host !== null) attempt.mxHost = row.mx_host
  if (row.reply_code !== null) attempt.replyCode = row.reply_code
  if (row.enhanced_status !== null) attempt.enhancedStatus = row.enhanced_status
  if (row.reply_text !== null) attempt.replyText = row.reply_text
  if (row.verdict_reason !== null) {
    attempt.verdict = { reason: row.verdict_reason, action: row.verdict_action ?? '', rule: row.verdict_rule ?? '' }
  }
  if (row.transcript !== null) attempt.transcript = row.transcript
  if (row.duration_ms !== null) attempt.durationMs = row.duration_ms
  return attempt
}
