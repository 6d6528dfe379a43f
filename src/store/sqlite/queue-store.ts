import { TodokuError } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { AttemptDetails } from '../message-store.ts'
import type { ClaimedGroup, ClaimedRecipient, QueueCounts, QueueStore, RecipientOutcome } from '../queue-store.ts'
import { RECIPIENT_STATES, RecipientState } from '../recipient-state.ts'
import { describeWriteError, inTransaction, type SqliteContext } from './connection.ts'
import { createEventWriter } from './event-store.ts'
import { toMessageFields, type MessageRow } from './message-store.ts'

interface ClaimedRow {
  id: string
  message_id: string
  address: string
  domain: string
  attempt_count: number
}

/** A recipient handed back untried returns to the state it had: never tried, or tried before. */
const RETURN_TO_QUEUE = `CASE WHEN attempt_count = 0 THEN 'queued' ELSE 'deferred' END`

export function createSqliteQueueStore(context: SqliteContext): QueueStore {
  const { db } = context
  const writeEvent = createEventWriter(context)
  // SQLite has one writer at a time, so one UPDATE … WHERE id IN (SELECT … LIMIT n) is the
  // whole claim; PostgreSQL does the same with FOR UPDATE SKIP LOCKED in the subquery.
  const claim = db.prepare(
    `UPDATE recipients SET state = 'leased', lease_owner = ?, lease_expires_at = ?, updated_at = ?
     WHERE id IN (
       SELECT id FROM recipients WHERE state IN ('queued', 'deferred') AND next_attempt_at <= ?
       ORDER BY next_attempt_at LIMIT ?
     )
     RETURNING id, message_id, address, domain, attempt_count`,
  )
  const selectClaimedMessage = db.prepare(
    'SELECT m.*, c.content FROM messages m JOIN message_contents c ON c.message_id = m.id WHERE m.id = ?',
  )
  const selectTenant = db.prepare('SELECT m.tenant_id, m.id AS message_id FROM recipients r JOIN messages m ON m.id = r.message_id WHERE r.id = ?')
  const settle = db.prepare(
    `UPDATE recipients SET state = ?, attempt_count = attempt_count + ?, next_attempt_at = coalesce(?, next_attempt_at),
       lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
     WHERE id = ? AND (state IN ('queued', 'deferred') OR (state = 'leased' AND lease_owner = ?))`,
  )
  // The outcome that makes a message's last open recipient final finishes the message (retention's clock starts).
  const closeRecipient = db.prepare(
    `UPDATE messages SET open_recipients = open_recipients - 1, finished_at = CASE WHEN open_recipients = 1 THEN ? ELSE finished_at END
     WHERE id = ?`,
  )
  const insertAttempt = db.prepare(
    `INSERT INTO attempts (recipient_id, at, outcome, egress_ip, egress_name, mx_host, reply_code, enhanced_status, reply_text,
       verdict_reason, verdict_action, verdict_rule, transcript, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const release = db.prepare(
    `UPDATE recipients SET state = ${RETURN_TO_QUEUE}, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
     WHERE id = ? AND state = 'leased' AND lease_owner = ?`,
  )
  const releaseExpired = db.prepare(
    `UPDATE recipients SET state = ${RETURN_TO_QUEUE}, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
     WHERE state = 'leased' AND lease_expires_at <= ?`,
  )
  const countByState = db.prepare('SELECT state, count(*) AS n FROM recipients GROUP BY state')
  const selectNextDue = db.prepare(`SELECT min(next_attempt_at) AS at FROM recipients WHERE state IN ('queued', 'deferred')`)

  return {
    async claimDue(nowMs, { limit, leaseMs, owner }) {
      context.assertOpen(`claiming due recipients for ${owner}`)
      if (!(limit >= 1 && leaseMs > 0)) {
        throw new TodokuError(STORE_ERRORS.INVALID_INPUT, `claiming due recipients for ${owner}: limit ${limit}, lease ${leaseMs} ms; expected limit ≥ 1 and a positive lease`)
      }
      const leaseExpiresAtMs = nowMs + leaseMs
      return inTransaction(db, () => {
        const rows = claim.all(owner, leaseExpiresAtMs, nowMs, nowMs, Math.floor(limit)) as unknown as ClaimedRow[]
        const groups = new Map<string, { message: MessageRow & { content: Uint8Array }; domain: string; recipients: ClaimedRecipient[] }>()
        const messages = new Map<string, MessageRow & { content: Uint8Array }>()
        for (const row of rows) {
          const key = `${row.message_id} ${row.domain}`
          let group = groups.get(key)
          if (group === undefined) {
            let message = messages.get(row.message_id)
            if (message === undefined) {
              message = selectClaimedMessage.get(row.message_id) as unknown as MessageRow & { content: Uint8Array }
              messages.set(row.message_id, message)
            }
            groups.set(key, (group = { message, domain: row.domain, recipients: [] }))
          }
          group.recipients.push({ id: row.id, address: row.address, attemptCount: row.attempt_count })
        }
        return [...groups.values()].map(({ message, domain, recipients }): ClaimedGroup => {
          const fields = toMessageFields(message)
          return {
            messageId: fields.id,
            domain,
            tenantId: fields.tenantId,
            mailFrom: fields.mailFrom,
            sendingDomain: fields.sendingDomain,
            ...(fields.pool !== undefined && { pool: fields.pool }),
            tags: fields.tags,
            metadata: fields.metadata,
            createdAtMs: fields.createdAtMs,
            content: message.content,
            leaseExpiresAtMs,
            recipients,
          }
        })
      })
    },

    async recordOutcomes(owner, outcomes) {
      context.assertOpen(`recording ${outcomes.length} outcome(s) for ${owner}`)
      const nowMs = context.now()
      try {
        return inTransaction(db, () => {
          let applied = 0
          const staleRecipientIds: string[] = []
          for (const outcome of outcomes) {
            const nextAttemptAtMs = outcome.kind === 'deferred' ? outcome.nextAttemptAtMs : null
            const changes = settle.run(outcome.kind, outcome.attempt ? 1 : 0, nextAttemptAtMs, nowMs, outcome.recipientId, owner).changes
            const owners = selectTenant.get(outcome.recipientId) as { tenant_id: string; message_id: string } | undefined
            if (owners === undefined) {
              staleRecipientIds.push(outcome.recipientId)
              continue
            }
            if (outcome.attempt) writeAttempt(outcome.recipientId, outcome.kind, outcome.attempt)
            if (changes === 0) {
              staleRecipientIds.push(outcome.recipientId)
              continue
            }
            applied++
            if (RecipientState.isFinal(outcome.kind)) closeRecipient.run(nowMs, owners.message_id)
            writeEvent({
              type: outcome.kind,
              atMs: outcome.attempt?.atMs ?? nowMs,
              tenantId: owners.tenant_id,
              messageId: owners.message_id,
              recipientId: outcome.recipientId,
              data: describeOutcome(outcome),
            })
          }
          return { applied, staleRecipientIds }
        })
      } catch (error) {
        throw describeWriteError(`recording ${outcomes.length} outcome(s) for ${owner}`, error)
      }
    },

    async releaseLeases(owner, recipientIds, nextAttemptAtMs) {
      context.assertOpen(`releasing ${recipientIds.length} lease(s) of ${owner}`)
      const nowMs = context.now()
      return inTransaction(db, () => {
        let released = 0
        for (const id of recipientIds) released += Number(release.run(nextAttemptAtMs, nowMs, id, owner).changes)
        return released
      })
    },

    async releaseExpiredLeases(nowMs) {
      context.assertOpen('releasing expired leases')
      return inTransaction(db, () => Number(releaseExpired.run(nowMs, nowMs).changes))
    },

    async countRecipientsByState() {
      context.assertOpen('counting recipients by state')
      const counts = Object.fromEntries(RECIPIENT_STATES.map((state) => [state, 0])) as Record<RecipientState, number>
      for (const row of countByState.all() as unknown as { state: RecipientState; n: number }[]) counts[row.state] = row.n
      return counts satisfies QueueCounts
    },

    async nextDueAtMs() {
      context.assertOpen('finding the next due recipient')
      const row = selectNextDue.get() as { at: number | null }
      return row.at ?? undefined
    },
  }

  function writeAttempt(recipientId: string, outcome: RecipientOutcome['kind'], attempt: AttemptDetails): void {
    insertAttempt.run(
      recipientId,
      attempt.atMs,
      outcome,
      attempt.egressIp ?? null,
      attempt.egressName ?? null,
      attempt.mxHost ?? null,
      attempt.replyCode ?? null,
      attempt.enhancedStatus ?? null,
      attempt.replyText ?? null,
      attempt.verdict?.reason ?? null,
      attempt.verdict?.action ?? null,
      attempt.verdict?.rule ?? null,
      attempt.transcript ?? null,
      attempt.durationMs ?? null,
    )
  }
}

/** The event's data: the reply and verdict, without the transcript (it stays with the attempt). */
function describeOutcome(outcome: RecipientOutcome): Record<string, unknown> {
  const attempt = outcome.attempt
  const data: Record<string, unknown> = {}
  if (outcome.kind === 'deferred') data.nextAttemptAtMs = outcome.nextAttemptAtMs
  if (attempt === undefined) return data
  if (attempt.mxHost !== undefined) data.mxHost = attempt.mxHost
  if (attempt.egressIp !== undefined) data.egressIp = attempt.egressIp
  if (attempt.replyCode !== undefined) data.replyCode = attempt.replyCode
  if (attempt.enhancedStatus !== undefined) data.enhancedStatus = attempt.enhancedStatus
  if (attempt.replyText !== undefined) data.replyText = attempt.replyText
  if (attempt.verdict !== undefined) data.verdict = attempt.verdict
  return data
}
