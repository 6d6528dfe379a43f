// The composition root: load the config, build the edges (store, clock, random, DNS, MTA-STS,
// logs), wire the capabilities (injection → API and SMTP submission; delivery, woken by each
// queued message), start, and stop gracefully. The only file that wires real ports and the only
// one that calls process.exit.
import { hostname } from 'node:os'
import { classifyReply } from './bounce/index.ts'
import { loadConfig, resolveVerpSecret, type TodokuConfig } from './config/index.ts'
import { systemClock, systemRandom, type Clock, type Random } from './core/index.ts'
import { createHttpsPolicyFetcher, createIpHolds, createMtaStsPolicyCache, createRoundRobinShaping, holdListedIps, startDelivery, withIpHolds, type DeliveryConfig, type EgressConfig, type FetchMtaStsPolicy } from './delivery/index.ts'
import { createNodeResolver, type Resolver } from './dns/index.ts'
import { createInjector } from './injection/index.ts'
import { createClamdScanner, createPreflight, createSpamdScanner, policyFromLists, type ContentScanner, type Preflight, type PreflightPolicy } from './content/index.ts'
import { createJsonLog, LOG_LEVELS, type Log, type LogLevel } from './log/index.ts'
import { openSqliteStore, startRetentionPruner, type Store } from './store/index.ts'
import { startApi } from './api/index.ts'
import { startDomainDoctor } from './checks/index.ts'
import { createPtrCache, loadReportSenders } from './reports/index.ts'
import { startSubmission } from './submission/index.ts'

/** Ports a test or a simulation replaces; the real ones otherwise. */
export interface TodokuOverrides {
  readonly clock?: Clock
  readonly random?: Random
  readonly dns?: Resolver
  readonly log?: Log
  /** how MTA-STS policies are fetched; default HTTPS to `mta-sts.<domain>` */
  readonly fetchMtaStsPolicy?: FetchMtaStsPolicy
}

/** A running todoku: where it listens, and how to stop it. */
export interface RunningTodoku {
  readonly config: TodokuConfig
  /** the HTTP API: `http://127.0.0.1:8580` */
  readonly api: { readonly host: string; readonly port: number; readonly url: string }
  /** SMTP submission, when enabled */
  readonly submission?: { readonly host: string; readonly port: number }
  /** the store this process uses (tests create keys and domains through it) */
  readonly store: Store
  /** wakes delivery now, as a queued message does (tests that move a manual clock) */
  kick(): void
  /** stop accepting, let deliveries in flight finish, close the store; resolves when all is closed */
  stop(): Promise<void>
}

/** The delivery engine's slice: egress with the implicit default source and pool filled in. */
export function deliveryConfigOf(config: TodokuConfig, verpSecret: string): DeliveryConfig {
  const { delivery } = config
  return {
    egress: egressConfigOf(config),
    mxPort: delivery.mxPort,
    ...(delivery.relayHost !== undefined && { relay: delivery.relayHost }),
    connectTimeoutMs: delivery.connectTimeoutMs,
    commandTimeoutMs: delivery.commandTimeoutMs,
    dataTimeoutMs: delivery.dataTimeoutMs,
    maxConnectionsPerHost: delivery.maxConnectionsPerHost,
    maxMessagesPerConnection: delivery.maxMessagesPerConnection,
    connectionIdleMs: delivery.connectionIdleMs,
    claimBatchSize: delivery.claimBatchSize,
    leaseMs: delivery.leaseMs,
    maxInFlightGroups: delivery.maxInFlightGroups,
    retry: delivery.retry,
    verp: { secret: verpSecret },
    tls: delivery.tls,
    routeCacheMs: delivery.routeCacheMs,
    negativeRouteCacheMs: delivery.negativeRouteCacheMs,
    sendingDomainCacheMs: delivery.sendingDomainCacheMs,
    leaseRecoveryIntervalMs: delivery.leaseRecoveryIntervalMs,
    maxIdleSleepMs: delivery.maxIdleSleepMs,
  }
}

/**
 * No sources configured: one source `default` (the system picks the address; EHLO as
 * `delivery.ehloName`, else this machine's host name). No pools: one shared pool `default` of
 * every source.
 */
export function egressConfigOf(config: TodokuConfig): EgressConfig {
  const { egress } = config
  const sources = egress.sources.length > 0 ? egress.sources : [{ name: 'default', ehloName: config.delivery.ehloName ?? hostname() }]
  const pools = egress.pools.length > 0 ? egress.pools : [{ name: 'default', kind: 'shared' as const, sources: sources.map((source) => source.name) }]
  return { sources, pools, defaultPool: egress.defaultPool, rules: egress.rules }
}

/** Starts every part of todoku from a loaded config, in process. */
export async function startTodoku(config: TodokuConfig, overrides: TodokuOverrides = {}): Promise<RunningTodoku> {
  const clock = overrides.clock ?? systemClock
  const random = overrides.random ?? systemRandom
  const log = overrides.log ?? createJsonLog({ level: config.log.level, clock }).log
  const dns = overrides.dns ?? createNodeResolver({
    servers: config.dns.servers.length > 0 ? config.dns.servers : undefined,
    timeoutMs: config.dns.timeoutMs,
    tries: config.dns.tries,
  })
  const verpSecret = resolveVerpSecret(config.verp.secret, config.dataDir)
  const store = await openSqliteStore({ path: config.dataDir, clock, random })
  const closers: (() => Promise<void>)[] = [() => store.close()]
  const stopAll = async () => {
    // last started, first stopped: listeners, then delivery, then the store
    for (const close of closers.splice(0).reverse()) {
      try {
        await close()
      } catch (error) {
        log('error', 'todoku.stop_failed', { error })
      }
    }
  }
  try {
    // retention: old finished messages, events and idempotency keys pruned each retention.intervalMs
    const pruner = startRetentionPruner({ store, clock, log, policy: config.retention, intervalMs: config.retention.intervalMs })
    closers.push(() => pruner.stop())
    const mtaSts = config.mtaSts.enabled
      ? createMtaStsPolicyCache({
        dns,
        clock,
        fetchPolicy: overrides.fetchMtaStsPolicy ?? createHttpsPolicyFetcher({ dns }),
        onError: (error) => log('warn', 'mta_sts.discovery_failed', { error }),
      })
      : undefined
    // egress IPs held while a blocklist lists them: the domain doctor's listings feed the holds,
    // shaping (round-robin today) skips held sources. Holds live in memory: after a restart the
    // monitor's first round finds the listings again and holds them again.
    const egress = egressConfigOf(config)
    const ipHolds = createIpHolds({ clock })
    const holdListing = holdListedIps(ipHolds)
    const delivery = startDelivery({
      store,
      shaping: withIpHolds(createRoundRobinShaping(egress.sources), ipHolds, egress.sources),
      dns,
      clock,
      random,
      classifyReply,
      mtaSts,
      log: eventLogOf(log, 'delivery'),
      config: deliveryConfigOf(config, verpSecret),
    })
    closers.push(() => delivery.stop())

    const preflightDeps = contentPreflightOf(config)
    const { preflight } = preflightDeps
    if (preflight !== undefined) closers.push(() => preflight.close())
    const injector = createInjector({
      store,
      clock,
      random,
      limits: { maxMessageBytes: config.limits.maxMessageBytes, maxRecipients: config.limits.maxRecipients },
      onQueued: () => delivery.kick(),
      ...preflightDeps,
    })
    // the domain doctor: re-checks every sending domain each checks.intervalMs; GET /v1/domains/:domain/check
    const doctor = startDomainDoctor({
      store, dns, clock, log, intervalMs: config.checks.intervalMs, egress: egress.sources, mxHost: config.checks.mxHost,
      spfInclude: config.checks.spfInclude, dnsblFile: config.checks.dnsblFile, tls: config.delivery.tls, fetchMtaStsPolicy: overrides.fetchMtaStsPolicy ?? createHttpsPolicyFetcher({ dns }),
      onListing: (listing) => {
        holdListing(listing)
        log(listing.listed ? 'warn' : 'info', listing.listed ? 'delivery.ip_held' : 'delivery.ip_listing_cleared', { ip: listing.ip, zone: listing.zone, held: ipHolds.isHeld(listing.ip) })
      },
    })
    closers.push(async () => doctor.stop())
    // DMARC report analysis: PTR names of report sources, our own egress IPs, known third-party senders.
    const dmarcSources = {
      dns, ptrCache: createPtrCache({ dns, clock }),
      egressIps: config.egress.sources.map((source) => source.address), senders: loadReportSenders(),
    }
    const api = await startApi({ injector, store, log: methodLogOf(log, 'api'), checkDomain: doctor.checkDomain, dmarcSources, ...(preflightDeps.preflight === undefined ? {} : { preflight: preflightDeps.preflight }) }, { host: config.api.host, port: config.api.port })
    closers.push(() => api.close())
    const apiAddress = { host: config.api.host, port: api.port, url: `http://${urlHost(config.api.host)}:${api.port}` }

    let submission: RunningTodoku['submission']
    if (config.submission.enabled) {
      const server = await startSubmission({ injector, store, clock, log }, {
        host: config.submission.host,
        port: config.submission.port,
        maxMessageBytes: config.limits.maxMessageBytes,
        tls: config.submission.tls.certFile === undefined || config.submission.tls.keyFile === undefined
          ? undefined
          : { certFile: config.submission.tls.certFile, keyFile: config.submission.tls.keyFile },
      })
      closers.push(() => server.close())
      submission = { host: config.submission.host, port: server.port }
      log('info', 'submission.listening', submission)
    }
    log('info', 'todoku.started', { dataDir: config.dataDir, api: apiAddress.url, submission, mxPort: config.delivery.mxPort })

    return {
      config,
      api: apiAddress,
      submission,
      store,
      kick: () => delivery.kick(),
      stop: async () => {
        log('info', 'todoku.stopping')
        await stopAll()
        log('info', 'todoku.stopped')
      },
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** The content preflight and the account policy from `content.*`; nothing when `content.enabled` is false. */
export function contentPreflightOf(config: TodokuConfig): { preflight?: Preflight; preflightPolicy?: PreflightPolicy } {
  const content = config.content
  if (!content.enabled) return {}
  const scanners: ContentScanner[] = []
  if (content.spamd !== undefined) scanners.push(createSpamdScanner({ ...content.spamd, timeoutMs: content.scannerTimeoutMs }))
  if (content.clamd !== undefined) scanners.push(createClamdScanner({ ...content.clamd, timeoutMs: content.scannerTimeoutMs }))
  return {
    preflight: createPreflight({
      threads: content.threads,
      inlineMaxBytes: content.inlineMaxBytes,
      scanners,
      sizes: {
        messageWarnBytes: content.sizeWarnBytes, messageRejectBytes: content.sizeRejectBytes,
        attachmentWarnBytes: content.attachmentWarnBytes, attachmentRejectBytes: content.attachmentRejectBytes,
      },
    }),
    preflightPolicy: policyFromLists({ fallback: content.policy, off: content.off, warn: content.warn, reject: content.reject }),
  }
}

/**
 * Delivery logs `{ event: 'delivery_error', … }` records: each becomes a line of our Log under
 * `<prefix>.<event>`, at `error` when the event names an error of ours, `info` otherwise (a
 * recipient that failed with a 550 is an outcome, not an error of todoku's).
 */
function eventLogOf(log: Log, prefix: string): (record: Record<string, unknown>) => void {
  return (record) => {
    const event = String(record.event ?? 'event')
    const level: LogLevel = typeof record.level === 'string' && (LOG_LEVELS as readonly string[]).includes(record.level) ? (record.level as LogLevel) : /error/.test(event) ? 'error' : 'info'
    log(level, `${prefix}.${event}`, record)
  }
}

/** The API logs through `info(message, fields)`/`error(message, fields)`: `'api listening'` becomes event `api.listening`. */
function methodLogOf(log: Log, prefix: string): Record<'debug' | 'info' | 'warn' | 'error', (message: string, fields?: Record<string, unknown>) => void> {
  const at = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    const words = message.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')
    log(level, `${prefix}.${words.startsWith(`${prefix}_`) ? words.slice(prefix.length + 1) : words}`, fields)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

export interface RunTodokuOptions {
  /** the TOML config file; absent: defaults and TODOKU_* environment variables */
  readonly configFile?: string
  /** told where todoku listens, once it does (the CLI prints it) */
  readonly onStarted?: (running: RunningTodoku) => void
}

/** How long a graceful stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 30_000

/**
 * `todoku serve`: load the config (every problem at once, exit 78 when it has any), start,
 * and stop on SIGINT/SIGTERM (a second signal exits at once).
 */
export async function runTodoku(options: RunTodokuOptions = {}): Promise<void> {
  let config: TodokuConfig
  try {
    config = loadConfig({ file: options.configFile, env: process.env })
  } catch (error) {
    process.stderr.write(`todoku: ${(error as Error).message}\n`)
    // EX_CONFIG (sysexits.h): a supervisor should not restart a process whose config is broken
    process.exit(78)
  }
  const jsonLog = createJsonLog({ level: config.log.level, clock: systemClock })
  let running: RunningTodoku
  try {
    running = await startTodoku(config, { log: jsonLog.log })
  } catch (error) {
    jsonLog.log('error', 'todoku.start_failed', { error })
    jsonLog.flush()
    process.exit(1)
  }
  options.onStarted?.(running)

  let isStopping = false
  const stop = (signal: string) => {
    if (isStopping) {
      jsonLog.log('warn', 'todoku.stop_forced', { signal })
      jsonLog.flush()
      process.exit(130)
    }
    isStopping = true
    jsonLog.log('info', 'todoku.signal', { signal })
    const deadline = setTimeout(() => {
      jsonLog.log('error', 'todoku.stop_timed_out', { afterMs: STOP_DEADLINE_MS })
      jsonLog.flush()
      process.exit(1)
    }, STOP_DEADLINE_MS)
    deadline.unref()
    running.stop().then(
      () => {
        jsonLog.flush()
        process.exit(0)
      },
      (error: unknown) => {
        jsonLog.log('error', 'todoku.stop_failed', { error })
        jsonLog.flush()
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

// `node src/main.ts [config.toml]` runs the server without the CLI (benchmarks, process supervisors).
if (import.meta.main) await runTodoku({ configFile: process.argv[2] })
