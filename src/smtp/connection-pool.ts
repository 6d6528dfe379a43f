// Connections kept open per key (egress IP + MX host) and reused for many transactions: a
// TLS handshake and an EHLO round trip per message would cost more than the message.
import { TodokuError, type Clock } from '../core/index.ts'

/** What the pool needs of a connection (SmtpConnection has it). */
export interface PooledConnection {
  isUsable(): boolean
  quit(): Promise<void>
  close(): void
}

export interface ConnectionPoolOptions<C extends PooledConnection> {
  /** opens a connection for a key; may throw (the acquire that asked gets the error) */
  open(key: string): Promise<C>
  /** connections open or opening at once per key */
  maxConnectionsPerKey: number
  /** a connection is QUIT after this many transactions (Postfix smtp_connection_reuse_count_limit) */
  maxMessagesPerConnection: number
  /** an idle connection older than this is closed rather than reused (receivers drop idle sessions: Postfix after 300 s) */
  idleTimeoutMs: number
  clock: Clock
  /** how often idle connections are swept; default idleTimeoutMs; 0 for never (call closeIdle yourself) */
  sweepIntervalMs?: number
}

export interface ConnectionPoolStats {
  /** open, opening and in use */
  readonly open: number
  readonly idle: number
  /** acquires waiting for a free connection */
  readonly waiting: number
}

export interface ConnectionPool<C extends PooledConnection> {
  /** a usable connection for the key: an idle one, a new one, or the next one released */
  acquire(key: string): Promise<C>
  /** gives a connection back after one transaction; `reusable: false` closes it (it failed, or its state is unknown) */
  release(connection: C, outcome: { reusable: boolean }): void
  /** closes idle connections past idleTimeoutMs; returns how many */
  closeIdle(): number
  stats(key: string): ConnectionPoolStats
  /** QUITs idle connections, fails waiting acquires, closes the rest as they come back */
  close(): Promise<void>
}

interface Entry<C> {
  readonly key: string
  readonly connection: C
  messages: number
  idleSinceMs: number
}

interface Bucket<C> {
  /** open + opening + in use */
  total: number
  /** most recently released last: reuse the warmest */
  idle: Entry<C>[]
  waiters: { resolve(connection: C): void; reject(error: unknown): void }[]
}

export function createConnectionPool<C extends PooledConnection>(options: ConnectionPoolOptions<C>): ConnectionPool<C> {
  for (const key of ['maxConnectionsPerKey', 'maxMessagesPerConnection', 'idleTimeoutMs'] as const) {
    if (!(options[key] > 0)) throw new TodokuError('CONFIG_INVALID', `creating an SMTP connection pool: ${key} ${options[key]}: expected a positive number`)
  }
  const buckets = new Map<string, Bucket<C>>()
  const entries = new Map<C, Entry<C>>()
  const retiring = new Set<Promise<void>>()
  let closed = false

  const sweepIntervalMs = options.sweepIntervalMs ?? options.idleTimeoutMs
  const sweeper = sweepIntervalMs > 0 ? setInterval(() => closeIdle(), sweepIntervalMs) : undefined
  sweeper?.unref()

  function bucketOf(key: string): Bucket<C> {
    let bucket = buckets.get(key)
    if (bucket === undefined) {
      bucket = { total: 0, idle: [], waiters: [] }
      buckets.set(key, bucket)
    }
    return bucket
  }

  function retire(entry: Entry<C>, graceful: boolean): void {
    entries.delete(entry.connection)
    const bucket = bucketOf(entry.key)
    bucket.total--
    if (graceful && entry.connection.isUsable()) {
      const quitting = entry.connection.quit().catch(() => entry.connection.close())
      retiring.add(quitting)
      void quitting.finally(() => retiring.delete(quitting))
    } else {
      entry.connection.close()
    }
  }

  async function openFor(key: string, bucket: Bucket<C>): Promise<C> {
    bucket.total++
    let connection: C
    try {
      connection = await options.open(key)
    } catch (error) {
      bucket.total--
      serveWaiters(key)
      throw error
    }
    if (closed) {
      bucket.total--
      connection.close()
      throw poolClosed(key)
    }
    entries.set(connection, { key, connection, messages: 0, idleSinceMs: 0 })
    return connection
  }

  /** Opens connections for waiters while the key has room (after a close or a failed open). */
  function serveWaiters(key: string): void {
    const bucket = bucketOf(key)
    while (bucket.waiters.length > 0 && bucket.total < options.maxConnectionsPerKey) {
      const waiter = bucket.waiters.shift()!
      openFor(key, bucket).then(waiter.resolve, waiter.reject)
    }
  }

  function takeIdle(bucket: Bucket<C>): C | undefined {
    const now = options.clock.now()
    for (let entry = bucket.idle.pop(); entry !== undefined; entry = bucket.idle.pop()) {
      if (entry.connection.isUsable() && now - entry.idleSinceMs < options.idleTimeoutMs) return entry.connection
      retire(entry, true)
    }
    return undefined
  }

  function closeIdle(): number {
    const now = options.clock.now()
    let count = 0
    for (const bucket of buckets.values()) {
      const keep = bucket.idle.filter((entry) => {
        const stale = !entry.connection.isUsable() || now - entry.idleSinceMs >= options.idleTimeoutMs
        if (stale) {
          retire(entry, true)
          count++
        }
        return !stale
      })
      bucket.idle = keep
    }
    return count
  }

  return {
    async acquire(key) {
      if (closed) throw poolClosed(key)
      const bucket = bucketOf(key)
      const idle = takeIdle(bucket)
      if (idle !== undefined) return idle
      if (bucket.total < options.maxConnectionsPerKey) return openFor(key, bucket)
      return new Promise<C>((resolve, reject) => bucket.waiters.push({ resolve, reject }))
    },
    release(connection, outcome) {
      const entry = entries.get(connection)
      if (entry === undefined) {
        throw new TodokuError('SMTP_POOL_MISUSE', 'releasing an SMTP connection: it is not one this pool handed out, or it was released already')
      }
      entry.messages++
      const bucket = bucketOf(entry.key)
      const reusable = outcome.reusable && !closed && connection.isUsable() && entry.messages < options.maxMessagesPerConnection
      if (!reusable) {
        retire(entry, outcome.reusable)
        serveWaiters(entry.key)
        return
      }
      const waiter = bucket.waiters.shift()
      if (waiter !== undefined) {
        waiter.resolve(connection)
        return
      }
      entry.idleSinceMs = options.clock.now()
      bucket.idle.push(entry)
    },
    closeIdle,
    stats(key) {
      const bucket = buckets.get(key)
      return bucket === undefined ? { open: 0, idle: 0, waiting: 0 } : { open: bucket.total, idle: bucket.idle.length, waiting: bucket.waiters.length }
    },
    async close() {
      closed = true
      if (sweeper !== undefined) clearInterval(sweeper)
      for (const [key, bucket] of buckets) {
        for (const waiter of bucket.waiters.splice(0)) waiter.reject(poolClosed(key))
        for (const entry of bucket.idle.splice(0)) retire(entry, true)
      }
      await Promise.all([...retiring])
    },
  }
}

function poolClosed(key: string): TodokuError {
  return new TodokuError('SMTP_POOL_CLOSED', `acquiring an SMTP connection for ${key}: the pool is closed`)
}
