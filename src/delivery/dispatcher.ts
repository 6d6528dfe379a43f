// The dispatcher: one claimed group (a message's recipients at one domain) through route, TLS
// policy, shaping, signing and one SMTP transaction, to an outcome per recipient. Each step
// returns a decision or carries on; nothing here writes to the store.
import type { Clock, Random } from '../core/index.ts'
import type { Verdict } from '../bounce/index.ts'
import { signMessageAsync } from '../dkim/index.ts'
import { SmtpError, type SmtpConnection, type TlsMode, type TransactionResult } from '../smtp/index.ts'
import type { ClaimedGroup } from '../store/index.ts'
import { choosePool, type EgressConfig, type EgressSource, type ShapingPolicy } from './egress.ts'
import { envelopeAddress, needsSmtpUtf8 } from './envelope-address.ts'
import { mustRequireValidTls, mxAllowedByPolicy, type MtaStsPolicyCache } from './mta-sts.ts'
import type { MxHost } from './mx.ts'
import type { ConnectionTarget, MxConnections } from './mx-connections.ts'
import { deliveryVerdict, outcomesOfFailure, outcomesOfTransaction, replyText, type DecidedOutcome, type OutcomeContext } from './outcomes.ts'
import type { RetryConfig } from './retry-schedule.ts'
import type { RouteCache } from './route-cache.ts'
import type { SendingDomainCache, SendingDomainPolicy } from './sending-domains.ts'
import { encodeVerp } from './verp.ts'

export interface DispatcherDeps {
  readonly routes: RouteCache
  readonly sendingDomains: SendingDomainCache
  readonly connections: MxConnections
  readonly shaping: ShapingPolicy
  readonly mtaSts?: MtaStsPolicyCache
  readonly classifyReply: (text: string) => Verdict
  readonly clock: Clock
  readonly random: Random
  readonly egress: EgressConfig
  readonly retry: RetryConfig
  /** TLS for domains without MTA-STS enforce or require-TLS */
  readonly tls: 'opportunistic' | 'none'
  /** VERP return paths, when configured; `bounceDomain` is the fallback for domains without their own */
  readonly verp?: { readonly secret: string | Uint8Array }
  readonly log: (event: Record<string, unknown>) => void
}

/** What became of a group. */
export type GroupResult =
  | { readonly kind: 'done'; readonly outcomes: readonly DecidedOutcome[]; readonly site: string; readonly source?: EgressSource }
  /** shaping said not now: give the recipients back, due at untilMs */
  | { readonly kind: 'wait'; readonly untilMs: number }

/** Transcript lines kept with an attempt that was not delivered. */
const TRANSCRIPT_TAIL_LINES = 30

export interface Dispatcher {
  deliver(group: ClaimedGroup): Promise<GroupResult>
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { clock } = deps
  // Groups of one message claimed together share its content object: sign it once for all of them.
  const signed = new WeakMap<Uint8Array, Promise<Uint8Array>>()

  function contextFor(group: ClaimedGroup, startedAtMs: number, extra: Partial<OutcomeContext> = {}): OutcomeContext {
    return {
      recipients: group.recipients,
      createdAtMs: group.createdAtMs,
      startedAtMs,
      nowMs: clock.now(),
      classifyReply: deps.classifyReply,
      retry: deps.retry,
      random: deps.random,
      ...extra,
    }
  }

  function signedContent(group: ClaimedGroup, policy: SendingDomainPolicy): Promise<Uint8Array> {
    if (policy.signers.length === 0) return Promise.resolve(group.content)
    let bytes = signed.get(group.content)
    if (bytes === undefined) {
      bytes = signMessageAsync(group.content, policy.signers, { clock })
      signed.set(group.content, bytes)
    }
    return bytes
  }

  function returnPath(group: ClaimedGroup, policy: SendingDomainPolicy): string {
    // the null sender stays null: a bounce must never be bounced (RFC 5321 §4.5.5)
    if (deps.verp === undefined || group.mailFrom === '') return group.mailFrom
    const target = group.recipients.length === 1 ? { kind: 'recipient' as const, id: group.recipients[0].id } : { kind: 'message' as const, id: group.messageId }
    return encodeVerp(target, { bounceDomain: policy.bounceDomain, secret: deps.verp.secret })
  }

  async function deliver(group: ClaimedGroup): Promise<GroupResult> {
    const startedAtMs = clock.now()
    const route = await deps.routes.route(group.domain)
    if (route.kind === 'fail') {
      const status = route.reason === 'notaccept' ? '5.1.10' : route.reason === 'hostunknown' ? '5.1.2' : '4.4.3'
      const action = route.permanent ? 'suppress_address' : 'retry_later'
      const verdict = deliveryVerdict(route.reason, { permanent: route.permanent, status, action, detail: route.detail })
      return { kind: 'done', site: group.domain, outcomes: outcomesOfFailure(contextFor(group, startedAtMs), { text: route.detail, verdict }) }
    }

    const policy = await deps.sendingDomains.policyFor(group.sendingDomain)
    const stsPolicy = deps.mtaSts === undefined ? undefined : await deps.mtaSts.policyFor(group.domain)
    const enforce = mustRequireValidTls(stsPolicy)
    const hosts = enforce ? route.hosts.filter((host) => mxAllowedByPolicy(stsPolicy!, host.name)) : route.hosts
    const site = route.hosts[0].name
    if (hosts.length === 0) {
      const detail = `no MX host of ${group.domain} (${route.hosts.map((h) => h.name).join(', ')}) is allowed by its MTA-STS policy (mx: ${stsPolicy!.mx.join(', ')})`
      const verdict = deliveryVerdict('securityerror', { permanent: false, status: '4.7.5', action: 'contact_recipient_admin', detail })
      return { kind: 'done', site, outcomes: outcomesOfFailure(contextFor(group, startedAtMs), { text: detail, verdict }) }
    }
    const tls: TlsMode = enforce ? 'required-valid' : policy.requireTls ? 'required' : deps.tls

    const { pool, unknownPool } = choosePool(group, deps.egress)
    if (unknownPool !== undefined) deps.log({ event: 'pool_unknown', messageId: group.messageId, pool: unknownPool, used: pool.name })
    const decision = deps.shaping.decide({ site, domain: group.domain, pool, nowMs: clock.now(), recipients: group.recipients.length })
    if (decision.kind === 'wait') return decision
    const source = decision.source

    const content = await signedContent(group, policy)
    const recipients = group.recipients.map((r) => envelopeAddress(r.address))
    const mailFrom = returnPath(group, policy)
    const envelope = { mailFrom, recipients, ...(needsSmtpUtf8([mailFrom, ...recipients]) && { smtpUtf8: true }) }
    const outcomes = await transact(group, { source, hosts, tls, envelope, content, startedAtMs })
    return { kind: 'done', site, source, outcomes }
  }

  async function transact(
    group: ClaimedGroup,
    plan: { source: EgressSource; hosts: readonly MxHost[]; tls: TlsMode; envelope: { mailFrom: string; recipients: string[]; smtpUtf8?: boolean }; content: Uint8Array; startedAtMs: number },
  ): Promise<DecidedOutcome[]> {
    const { source, tls, startedAtMs } = plan
    let lastFailure: { text: string; verdict: Verdict; mxHost: string } | undefined
    for (const host of plan.hosts) {
      for (const ip of host.addresses) {
        const target: ConnectionTarget = { source, ip, mxName: host.name, tls }
        const attempt = await sendOnce(target, plan.envelope, plan.content)
        if (attempt.kind === 'unreachable') {
          lastFailure = { ...attempt.failure, mxHost: host.name }
          continue
        }
        if (attempt.kind === 'broken') {
          // The conversation broke mid-transaction: the server may or may not have the message.
          // Trying the next host now could deliver it twice; the retry schedule decides instead.
          const context = contextFor(group, startedAtMs, { source, mxHost: host.name, transcript: () => attempt.transcript })
          return outcomesOfFailure(context, attempt.failure)
        }
        const { result, transcript } = attempt
        // A 421 to MAIL FROM: this host is going away (RFC 5321 §3.8); the next may take the mail.
        if (result.mailFrom.code === 421) {
          lastFailure = { text: replyText(result.mailFrom), verdict: temporary(deps.classifyReply(replyText(result.mailFrom))), mxHost: host.name }
          continue
        }
        const context = contextFor(group, startedAtMs, { source, mxHost: host.name, transcript: () => transcript })
        return outcomesOfTransaction(context, result)
      }
    }
    const failure = lastFailure ?? { text: 'no MX address to try', verdict: deliveryVerdict('networkerror', { permanent: false, status: '4.4.1', action: 'retry_later', detail: 'no MX address to try' }), mxHost: '' }
    return outcomesOfFailure(contextFor(group, startedAtMs, { source, mxHost: failure.mxHost }), failure)
  }

  type SendAttempt =
    | { kind: 'sent'; result: TransactionResult; transcript: string }
    | { kind: 'unreachable'; failure: { text: string; verdict: Verdict } }
    | { kind: 'broken'; failure: { text: string; verdict: Verdict }; transcript: string }

  async function sendOnce(target: ConnectionTarget, envelope: { mailFrom: string; recipients: string[] }, content: Uint8Array, isRetry = false): Promise<SendAttempt> {
    let connection: SmtpConnection
    try {
      connection = await deps.connections.acquire(target)
    } catch (error) {
      return { kind: 'unreachable', failure: connectionFailure(error) }
    }
    try {
      const result = await connection.send(envelope, content)
      // taken before release: once released, the connection carries other transactions
      const transcript = isRefused(result) ? connection.transcript().slice(-TRANSCRIPT_TAIL_LINES).join('\n') : ''
      deps.connections.release(connection, { reusable: true })
      return { kind: 'sent', result, transcript }
    } catch (error) {
      deps.connections.release(connection, { reusable: false })
      const transcript = connection.transcript().slice(-TRANSCRIPT_TAIL_LINES).join('\n')
      if (!(error instanceof SmtpError)) throw error
      // A pooled connection the server dropped while idle fails at once on MAIL FROM: nothing
      // was sent, so one fresh connection is safe to try.
      if (!isRetry && error.code === 'SMTP_DISCONNECTED' && (error.command === 'MAIL FROM' || error.command === 'RSET')) {
        return sendOnce(target, envelope, content, true)
      }
      if (error.code === 'SMTP_MISUSE' || error.code === 'SMTP_EXTENSION_MISSING') {
        const verdict = deliveryVerdict(error.code === 'SMTP_MISUSE' ? 'syntaxerror' : 'systemerror', {
          permanent: true, status: error.code === 'SMTP_MISUSE' ? '5.1.3' : '5.6.7', action: 'fix_message', detail: error.message,
        })
        return { kind: 'broken', failure: { text: error.message, verdict }, transcript }
      }
      return { kind: 'broken', failure: connectionFailure(error), transcript }
    }
  }

  function connectionFailure(error: unknown): { text: string; verdict: Verdict } {
    if (!(error instanceof SmtpError)) throw error
    if (error.reply !== undefined) return { text: error.message, verdict: temporary(deps.classifyReply(replyText(error.reply))) }
    if (error.code === 'SMTP_TLS_FAILED' || error.code === 'SMTP_TLS_NOT_OFFERED') {
      const status = error.code === 'SMTP_TLS_FAILED' ? '4.7.5' : '4.7.10'
      return { text: error.message, verdict: deliveryVerdict('failedstarttls', { permanent: false, status, action: 'retry_later', detail: error.message }) }
    }
    return { text: error.message, verdict: deliveryVerdict('networkerror', { permanent: false, status: '4.4.1', action: 'retry_later', detail: error.message }) }
  }

  return { deliver }
}

/**
 * A refusal before any recipient was taken (greeting, EHLO, MAIL on every host) defers: like
 * Postfix's smtp_skip_5xx_greeting, a host that won't talk is skipped, not a verdict on the address.
 */
function isRefused(result: TransactionResult): boolean {
  const positive = (code: number) => code >= 200 && code < 300
  return !positive(result.mailFrom.code) || result.recipients.some((r) => !r.accepted) || (result.data !== undefined && !positive(result.data.code))
}

function temporary(verdict: Verdict): Verdict {
  return verdict.permanent ? { ...verdict, permanent: false, hardBounce: false } : verdict
}
