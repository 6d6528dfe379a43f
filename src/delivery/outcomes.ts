// What became of each recipient of a transaction (or of one that could not happen): the reply
// that decides it, the classifier's verdict, and the retry plan. Pure.
import type { Random } from '../core/index.ts'
import { isHardBounce, type Reason, type Verdict } from '../bounce/index.ts'
import type { SmtpReply, TransactionResult } from '../smtp/index.ts'
import type { AttemptDetails, ClaimedRecipient, RecipientOutcome } from '../store/index.ts'
import type { EgressSource } from './egress.ts'
import { planRetry, type RetryConfig } from './retry-schedule.ts'

/** One recipient's outcome with what decided it, for the store, the log and shaping. */
export interface DecidedOutcome {
  readonly outcome: RecipientOutcome
  readonly address: string
  /** absent for delivered recipients */
  readonly verdict?: Verdict
}

export interface OutcomeContext {
  readonly recipients: readonly ClaimedRecipient[]
  /** when the message was queued: retries end at createdAtMs + maxAgeMs */
  readonly createdAtMs: number
  readonly startedAtMs: number
  readonly nowMs: number
  readonly source?: EgressSource
  readonly mxHost?: string
  readonly classifyReply: (text: string) => Verdict
  readonly retry: RetryConfig
  readonly random: Random
  /** the conversation's last lines, recorded for recipients not delivered */
  readonly transcript?: () => string
}

/** The reply each recipient got: the MAIL FROM refusal for all, else its RCPT refusal, else the DATA reply. */
export function outcomesOfTransaction(context: OutcomeContext, result: TransactionResult): DecidedOutcome[] {
  const mailRefused = !isPositive(result.mailFrom)
  let transcript: string | undefined
  // result.recipients follows the envelope, which follows context.recipients
  return context.recipients.map((recipient, index) => {
    const rcpt = result.recipients[index]
    const reply = mailRefused ? result.mailFrom : rcpt === undefined ? result.mailFrom : !rcpt.accepted ? rcpt.reply : result.data ?? rcpt.reply
    if (isPositive(reply)) return decide(context, recipient, reply, undefined, undefined)
    transcript ??= context.transcript?.()
    return decide(context, recipient, reply, context.classifyReply(replyText(reply)), transcript)
  })
}

/** No transaction took place (no route, no connection, TLS refused): every recipient gets the same verdict. */
export function outcomesOfFailure(context: OutcomeContext, failure: { readonly text: string; readonly reply?: SmtpReply; readonly verdict: Verdict }): DecidedOutcome[] {
  const transcript = context.transcript?.()
  return context.recipients.map((recipient) => decide(context, recipient, failure.reply, failure.verdict, transcript, failure.text))
}

/**
 * A verdict decided by the delivery engine rather than by a reply (DNS said the domain does
 * not exist, no MX host answered): rule `delivery-<reason>`, with the detail as its example.
 */
export function deliveryVerdict(reason: Reason, details: { permanent: boolean; status: string; action: Verdict['action']; detail: string }): Verdict {
  return {
    replyCode: '',
    status: details.status,
    reason,
    permanent: details.permanent,
    hardBounce: isHardBounce(reason, details.status),
    action: details.action,
    rule: { id: `delivery-${reason}`, source: 'builtin:delivery', example: details.detail },
  }
}

/** "550 5.1.1 <a@b>: Recipient address rejected", continuation lines joined by spaces. */
export function replyText(reply: SmtpReply): string {
  return `${reply.code} ${reply.lines.join(' ')}`
}

function decide(
  context: OutcomeContext,
  recipient: ClaimedRecipient,
  reply: SmtpReply | undefined,
  verdict: Verdict | undefined,
  transcript: string | undefined,
  failureText?: string,
): DecidedOutcome {
  const attempt: AttemptDetails = {
    atMs: context.nowMs,
    ...(context.source?.address !== undefined && { egressIp: context.source.address }),
    ...(context.source !== undefined && { egressName: context.source.ehloName }),
    ...(context.mxHost !== undefined && { mxHost: context.mxHost }),
    ...(reply !== undefined && { replyCode: String(reply.code), replyText: reply.text }),
    ...(reply?.enhancedStatus !== undefined && { enhancedStatus: reply.enhancedStatus }),
    ...(reply === undefined && failureText !== undefined && { replyText: failureText }),
    ...(verdict !== undefined && { verdict: { reason: verdict.reason, action: verdict.action, rule: verdict.rule.source } }),
    ...(transcript !== undefined && { transcript }),
    durationMs: context.nowMs - context.startedAtMs,
  }
  const recipientId = recipient.id
  const address = recipient.address
  if (verdict === undefined) return { outcome: { recipientId, kind: 'delivered', attempt }, address }
  if (verdict.permanent) return { outcome: { recipientId, kind: 'failed', attempt }, address, verdict }
  const plan = planRetry({
    attemptCount: recipient.attemptCount + 1,
    createdAtMs: context.createdAtMs,
    nowMs: context.nowMs,
    verdict,
    random: context.random,
    config: context.retry,
  })
  if (plan.kind === 'expire') return { outcome: { recipientId, kind: 'expired', attempt }, address, verdict }
  return { outcome: { recipientId, kind: 'deferred', nextAttemptAtMs: plan.atMs, attempt }, address, verdict }
}

function isPositive(reply: SmtpReply): boolean {
  return reply.code >= 200 && reply.code < 300
}
