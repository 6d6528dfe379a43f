// The delivery engine's slice of the config: what main.ts hands to startDelivery. Every field
// but `egress` has a default; units are in the names.
import { TodokuError } from '../core/index.ts'
import { checkEgressConfig, type EgressConfig } from './egress.ts'
import { DEFAULT_RETRY_CONFIG, type RetryConfig } from './retry-schedule.ts'
import { MIN_VERP_SECRET_BYTES } from './verp.ts'

export interface DeliveryConfig {
  readonly egress: EgressConfig
  /** the port MX hosts are reached on: 25 in production; tests and benchmarks use the sink's */
  readonly mxPort?: number
  /**
   * send everything to this host (a smarthost) instead of the recipient domains' MX hosts:
   * an IP address, or a name looked up for A/AAAA (not MX). MTA-STS does not apply; the
   * sending domain's require-TLS still does.
   */
  readonly relay?: { readonly host: string; readonly port: number }
  /** default 30 s */
  readonly connectTimeoutMs?: number
  /** wait for each reply, default 5 min (RFC 5321 §4.5.3.2 asks 5 min for MAIL and RCPT) */
  readonly commandTimeoutMs?: number
  /** wait for the reply to the final dot, default 10 min (RFC 5321 §4.5.3.2.6) */
  readonly dataTimeoutMs?: number
  /** connections open at once per (egress source × MX address); default 10 */
  readonly maxConnectionsPerHost?: number
  /** transactions per connection before QUIT; default 100 */
  readonly maxMessagesPerConnection?: number
  /** an idle connection is closed after this; default 30 s */
  readonly connectionIdleMs?: number
  /** recipients claimed per store claim; default 500 */
  readonly claimBatchSize?: number
  /** how long a claim holds before crash recovery gives the recipients to another; default 10 min */
  readonly leaseMs?: number
  /** groups (transactions) in flight at once; default 400 */
  readonly maxInFlightGroups?: number
  readonly retry?: Partial<RetryConfig>
  /** VERP return paths, signed with `secret` (≥ 16 bytes); absent: MAIL FROM is the message's own */
  readonly verp?: { readonly secret: string }
  /** TLS where neither MTA-STS enforce nor the sending domain's require-TLS applies; default 'opportunistic' */
  readonly tls?: 'opportunistic' | 'none'
  /** trusted CAs instead of Node's bundle (tests, private relays) */
  readonly tlsCa?: string | Buffer | readonly (string | Buffer)[]
  /** routes with MX hosts are kept this long; default 5 min */
  readonly routeCacheMs?: number
  /** failed routes (NXDOMAIN, null MX, SERVFAIL) are kept this long; default 30 s */
  readonly negativeRouteCacheMs?: number
  /** sending domains (keys, require-TLS) are re-read after this; default 60 s */
  readonly sendingDomainCacheMs?: number
  /** outcomes are written when this many are waiting; default 500 */
  readonly outcomeBatchSize?: number
  /** or when the oldest has waited this long; default 100 ms (each write is an fsync'd commit) */
  readonly outcomeFlushMs?: number
  /** expired leases (a crashed node's) are released this often; default 60 s */
  readonly leaseRecoveryIntervalMs?: number
  /** with nothing due, the queue is looked at again after this (other nodes' inserts, a clock that moved); default 1 s */
  readonly maxIdleSleepMs?: number
  /** the lease owner's name; default `<hostname>:<pid>:<random>` */
  readonly owner?: string
}

export type ResolvedDeliveryConfig = Required<Omit<DeliveryConfig, 'verp' | 'tlsCa' | 'owner' | 'retry' | 'relay'>> & {
  readonly retry: RetryConfig
  readonly verp?: { readonly secret: string }
  readonly tlsCa?: DeliveryConfig['tlsCa']
  readonly owner?: string
  readonly relay?: DeliveryConfig['relay']
}

export const DELIVERY_DEFAULTS = {
  mxPort: 25,
  connectTimeoutMs: 30_000,
  commandTimeoutMs: 5 * 60_000,
  dataTimeoutMs: 10 * 60_000,
  maxConnectionsPerHost: 10,
  maxMessagesPerConnection: 100,
  connectionIdleMs: 30_000,
  claimBatchSize: 500,
  leaseMs: 10 * 60_000,
  maxInFlightGroups: 400,
  tls: 'opportunistic',
  routeCacheMs: 5 * 60_000,
  negativeRouteCacheMs: 30_000,
  sendingDomainCacheMs: 60_000,
  outcomeBatchSize: 500,
  outcomeFlushMs: 100,
  leaseRecoveryIntervalMs: 60_000,
  maxIdleSleepMs: 1000,
} as const

/** Fills defaults and throws CONFIG_INVALID naming every bad value. */
export function resolveDeliveryConfig(config: DeliveryConfig): ResolvedDeliveryConfig {
  const resolved: ResolvedDeliveryConfig = {
    ...DELIVERY_DEFAULTS,
    ...withoutUndefined(config),
    retry: { ...DEFAULT_RETRY_CONFIG, ...withoutUndefined(config.retry ?? {}) },
  }
  const problems: string[] = []
  for (const key of Object.keys(DELIVERY_DEFAULTS) as (keyof typeof DELIVERY_DEFAULTS)[]) {
    if (key === 'tls') continue
    const value = resolved[key]
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) problems.push(`${key} ${String(value)}: expected a positive number`)
  }
  if (!(Number.isInteger(resolved.mxPort) && resolved.mxPort < 65536)) problems.push(`mxPort ${resolved.mxPort}: expected a port 1–65535`)
  if (resolved.relay !== undefined && !(resolved.relay.host !== '' && Number.isInteger(resolved.relay.port) && resolved.relay.port > 0 && resolved.relay.port < 65536)) {
    problems.push(`relay ${JSON.stringify(resolved.relay)}: expected { host, port 1–65535 }`)
  }
  if (resolved.tls !== 'opportunistic' && resolved.tls !== 'none') problems.push(`tls ${JSON.stringify(resolved.tls)}: expected opportunistic|none`)
  if (resolved.verp !== undefined && Buffer.byteLength(resolved.verp.secret ?? '') < MIN_VERP_SECRET_BYTES) problems.push(`verp.secret: expected at least ${MIN_VERP_SECRET_BYTES} bytes`)
  if (problems.length > 0) throw new TodokuError('CONFIG_INVALID', `checking the delivery config: ${problems.join('; ')}`)
  checkEgressConfig(resolved.egress)
  return resolved
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
