// The delivery loop. The store is the scheduled queue: when recipients fall due they are
// claimed in batches (one store operation), each group goes to the dispatcher (many in flight
// at once, waiting in the connection pool's per source × MX queues), and outcomes are written
// back in batches (one store operation each). With nothing due, the loop sleeps until the
// next due time or a kick().
import { hostname } from 'node:os'
import type { Clock, Random } from '../core/index.ts'
import type { Verdict } from '../bounce/index.ts'
import type { Resolver } from '../dns/index.ts'
import type { ClaimedGroup, DomainStore, EventStore, MessageStore, QueueStore, RecipientOutcome } from '../store/index.ts'
import { resolveDeliveryConfig, type DeliveryConfig } from './delivery-config.ts'
import { createDispatcher, type GroupResult } from './dispatcher.ts'
import { createRoundRobinShaping, type ShapingPolicy } from './egress.ts'
import type { MtaStsPolicyCache } from './mta-sts.ts'
import { createMxConnections } from './mx-connections.ts'
import { createRouteCache } from './route-cache.ts'
import { createSendingDomainCache } from './sending-domains.ts'

export interface DeliveryDeps {
  readonly store: QueueStore & MessageStore & DomainStore & EventStore
  readonly dns: Resolver
  readonly clock: Clock
  readonly random: Random
  /** the reply classifier (bounce/'s classifyReply) */
  readonly classifyReply: (text: string) => Verdict
  /** default: createRoundRobinShaping over the config's sources */
  readonly shaping?: ShapingPolicy
  /** absent: MTA-STS is not looked at */
  readonly mtaSts?: MtaStsPolicyCache
  /** structured events, one object per line in production */
  readonly log: (event: Record<string, unknown>) => void
  readonly config: DeliveryConfig
}

export interface DeliveryStats {
  readonly inFlightGroups: number
  /** claimed, waiting for a slot */
  readonly pendingGroups: number
  /** outcomes decided, not yet written */
  readonly unwrittenOutcomes: number
  readonly openConnections: number
  readonly claimedRecipients: number
  readonly delivered: number
  readonly deferred: number
  readonly failed: number
  readonly expired: number
  /** recipients given back untried (shaping said wait, an error, shutdown) */
  readonly released: number
}

export interface Delivery {
  /** new mail is due: look at the queue now */
  kick(): void
  /** stop claiming, finish the transactions in flight, write their outcomes, give back the rest */
  stop(): Promise<void>
  stats(): DeliveryStats
}

/** How long a group that failed unexpectedly (a bug, a broken key) waits before it is tried again. */
const ERROR_RETRY_MS = 60_000

/** Starts delivering what the store holds; returns at once. */
export function startDelivery(deps: DeliveryDeps): Delivery {
  const config = resolveDeliveryConfig(deps.config)
  const { store, clock, log } = deps
  const owner = config.owner ?? `${hostname()}:${process.pid}:${Math.floor(deps.random.next() * 1e9).toString(36)}`
  const shaping = deps.shaping ?? createRoundRobinShaping(config.egress.sources)
  const connections = createMxConnections({
    port: config.relay?.port ?? config.mxPort,
    connectTimeoutMs: config.connectTimeoutMs,
    commandTimeoutMs: config.commandTimeoutMs,
    dataTimeoutMs: config.dataTimeoutMs,
    maxConnectionsPerHost: config.maxConnectionsPerHost,
    maxMessagesPerConnection: config.maxMessagesPerConnection,
    idleTimeoutMs: config.connectionIdleMs,
    ...(config.tlsCa !== undefined && { ca: config.tlsCa }),
    clock,
  })
  const dispatcher = createDispatcher({
    routes: createRouteCache({
      dns: deps.dns, random: deps.random, clock, ttlMs: config.routeCacheMs, negativeTtlMs: config.negativeRouteCacheMs,
      ...(config.relay !== undefined && { relayHost: config.relay.host }),
    }),
    sendingDomains: createSendingDomainCache({ store, clock, ttlMs: config.sendingDomainCacheMs }),
    connections,
    shaping,
    // MTA-STS speaks for a recipient domain's MX hosts; a relay is none of them
    ...(deps.mtaSts !== undefined && config.relay === undefined && { mtaSts: deps.mtaSts }),
    classifyReply: deps.classifyReply,
    clock,
    random: deps.random,
    egress: config.egress,
    retry: config.retry,
    tls: config.tls,
    ...(config.verp !== undefined && { verp: config.verp }),
    log,
  })

  const counts = { claimedRecipients: 0, delivered: 0, deferred: 0, failed: 0, expired: 0, released: 0 }
  const pending: ClaimedGroup[] = []
  const inFlight = new Set<Promise<void>>()
  let unwritten: RecipientOutcome[] = []
  let flushTimer: NodeJS.Timeout | undefined
  let writing: Promise<void> = Promise.resolve()
  let running = true
  /** the last claim came back short: nothing more is due until a kick, a timer or the clock says so */
  let drained = false
  /** kicks so far: a kick during a claim must not be lost when that claim comes back short */
  let kicks = 0
  let wake: ((reason: 'kick' | 'timer' | 'slot') => void) | undefined

  function signal(reason: 'kick' | 'timer' | 'slot'): void {
    const resolve = wake
    wake = undefined
    resolve?.(reason)
  }

  async function sleep(ms: number): Promise<'kick' | 'timer' | 'slot'> {
    let timer: NodeJS.Timeout | undefined
    const reason = await new Promise<'kick' | 'timer' | 'slot'>((resolve) => {
      wake = resolve
      timer = setTimeout(() => signal('timer'), Math.max(0, ms))
    })
    clearTimeout(timer)
    return reason
  }

  function write(outcomes: RecipientOutcome[]): Promise<void> {
    // one write at a time, in order; node:sqlite blocks the loop for the commit anyway
    writing = writing.then(async () => {
      try {
        await store.recordOutcomes(owner, outcomes)
      } catch (error) {
        // the leases run out and crash recovery retries these recipients
        log({ event: 'delivery_error', stage: 'record_outcomes', recipients: outcomes.length, error: String(error) })
      }
    })
    return writing
  }

  function flush(): Promise<void> {
    if (flushTimer !== undefined) clearTimeout(flushTimer)
    flushTimer = undefined
    if (unwritten.length === 0) return writing
    const batch = unwritten
    unwritten = []
    return write(batch)
  }

  function settle(group: ClaimedGroup, result: GroupResult): void {
    if (result.kind === 'wait') {
      release(group, result.untilMs, 'shaping_wait')
      return
    }
    const nowMs = clock.now()
    for (const { outcome, address, verdict } of result.outcomes) {
      counts[outcome.kind]++
      unwritten.push(outcome)
      if (result.source !== undefined) shaping.record({ source: result.source, site: result.site, verdict, nowMs })
      const attempt = outcome.attempt
      log({
        event: outcome.kind,
        atMs: attempt?.atMs ?? nowMs,
        tenantId: group.tenantId,
        messageId: group.messageId,
        recipientId: outcome.recipientId,
        recipient: address,
        domain: group.domain,
        site: result.site,
        ...(attempt?.mxHost !== undefined && { mxHost: attempt.mxHost }),
        ...(result.source !== undefined && { egress: result.source.name }),
        ...(attempt?.replyCode !== undefined && { replyCode: attempt.replyCode }),
        ...(attempt?.enhancedStatus !== undefined && { enhancedStatus: attempt.enhancedStatus }),
        ...(attempt?.replyText !== undefined && outcome.kind !== 'delivered' && { reply: attempt.replyText }),
        ...(verdict !== undefined && { reason: verdict.reason, action: verdict.action, rule: verdict.rule.id, ruleSource: verdict.rule.source, hardBounce: verdict.hardBounce }),
        ...(outcome.kind === 'deferred' && { nextAttemptAtMs: outcome.nextAttemptAtMs }),
        ...(attempt?.durationMs !== undefined && { durationMs: attempt.durationMs }),
      })
    }
    if (unwritten.length >= config.outcomeBatchSize) void flush()
    else flushTimer ??= setTimeout(() => void flush(), config.outcomeFlushMs)
  }

  function release(group: ClaimedGroup, nextAttemptAtMs: number, why: string): void {
    const ids = group.recipients.map((r) => r.id)
    counts.released += ids.length
    writing = writing.then(() => store.releaseLeases(owner, ids, nextAttemptAtMs)).then(
      () => undefined,
      (error) => log({ event: 'delivery_error', stage: 'release_leases', why, messageId: group.messageId, error: String(error) }),
    )
  }

  function start(group: ClaimedGroup): void {
    const task = dispatcher.deliver(group).then(
      (result) => settle(group, result),
      (error) => {
        log({ event: 'delivery_error', stage: 'deliver', messageId: group.messageId, domain: group.domain, error: String(error), stack: (error as Error)?.stack })
        release(group, clock.now() + ERROR_RETRY_MS, 'error')
      },
    )
    inFlight.add(task)
    void task.finally(() => {
      inFlight.delete(task)
      signal('slot')
    })
  }

  async function claim(): Promise<void> {
    const kicksBefore = kicks
    try {
      const groups = await store.claimDue(clock.now(), { limit: config.claimBatchSize, leaseMs: config.leaseMs, owner })
      let recipients = 0
      for (const group of groups) recipients += group.recipients.length
      counts.claimedRecipients += recipients
      pending.push(...groups)
      drained = recipients < config.claimBatchSize && kicks === kicksBefore
    } catch (error) {
      log({ event: 'delivery_error', stage: 'claim', error: String(error) })
      drained = true
    }
  }

  async function run(): Promise<void> {
    try {
      await store.releaseExpiredLeases(clock.now())
    } catch (error) {
      log({ event: 'delivery_error', stage: 'release_expired_leases', error: String(error) })
    }
    while (running) {
      // Keep claims ahead of the dispatcher, half a batch at a time, so a claim (a store
      // write) is amortized over many transactions.
      if (!drained && pending.length < config.claimBatchSize / 2) {
        await claim()
        if (!running) break
      }
      while (inFlight.size < config.maxInFlightGroups && pending.length > 0) start(pending.shift()!)
      let waitMs = config.maxIdleSleepMs
      if (!drained && pending.length < config.claimBatchSize / 2) continue
      if (drained && pending.length === 0 && inFlight.size === 0) {
        const nextDueAtMs = await store.nextDueAtMs().catch(() => undefined)
        if (nextDueAtMs !== undefined) waitMs = Math.min(waitMs, nextDueAtMs - clock.now())
        if (waitMs <= 0) {
          drained = false
          continue
        }
      }
      const reason = await sleep(waitMs)
      if (reason !== 'slot') drained = false
    }
  }

  const loop = run()
  const recovery = setInterval(() => {
    store.releaseExpiredLeases(clock.now()).then(
      (released) => released > 0 && log({ event: 'leases_recovered', recipients: released }),
      (error) => log({ event: 'delivery_error', stage: 'release_expired_leases', error: String(error) }),
    )
  }, config.leaseRecoveryIntervalMs)
  recovery.unref()

  return {
    kick() {
      kicks++
      drained = false
      signal('kick')
    },
    async stop() {
      if (!running) return loop
      running = false
      clearInterval(recovery)
      signal('kick')
      await loop
      for (const group of pending.splice(0)) release(group, clock.now(), 'stop')
      while (inFlight.size > 0) await Promise.all([...inFlight])
      await flush()
      await connections.close()
    },
    stats() {
      return { inFlightGroups: inFlight.size, pendingGroups: pending.length, unwrittenOutcomes: unwritten.length, openConnections: connections.openCount(), ...counts }
    },
  }
}
