// SMTP connections to MX hosts, pooled per (egress source × MX address × TLS policy): the
// ready queues of the delivery words, since a transaction waiting for a connection waits in
// its pair's queue. Opportunistic STARTTLS that fails its handshake is retried in plaintext.
import type { Clock } from '../core/index.ts'
import { createConnectionPool, openSmtpConnection, SmtpError, type SmtpConnection, type TlsMode } from '../smtp/index.ts'
import type { EgressSource } from './egress.ts'

/** Where one transaction goes, and how. */
export interface ConnectionTarget {
  readonly source: EgressSource
  /** the MX host's address */
  readonly ip: string
  /** the MX host's name: TLS SNI, and the name its certificate must carry under 'required-valid' */
  readonly mxName: string
  readonly tls: TlsMode
}

export interface MxConnectionOptions {
  readonly port: number
  readonly connectTimeoutMs: number
  readonly commandTimeoutMs: number
  readonly dataTimeoutMs: number
  readonly maxConnectionsPerHost: number
  readonly maxMessagesPerConnection: number
  readonly idleTimeoutMs: number
  /** trusted CAs instead of Node's bundle (tests; a private relay) */
  readonly ca?: string | Buffer | readonly (string | Buffer)[]
  readonly clock: Clock
}

export interface MxConnections {
  /** a connection for the target: an idle one, a new one, or the next one freed; throws SmtpError when none can be opened */
  acquire(target: ConnectionTarget): Promise<SmtpConnection>
  release(connection: SmtpConnection, outcome: { reusable: boolean }): void
  /** connections open (or opening) per pool key */
  openCount(): number
  close(): Promise<void>
}

export function createMxConnections(options: MxConnectionOptions): MxConnections {
  const targets = new Map<string, ConnectionTarget>()

  async function open(key: string): Promise<SmtpConnection> {
    const target = targets.get(key)!
    const connect = (tls: TlsMode) => openSmtpConnection({
      host: target.ip,
      port: options.port,
      ...(target.source.address !== undefined && { localAddress: target.source.address }),
      ehloName: target.source.ehloName,
      servername: target.mxName,
      tls,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      dataTimeoutMs: options.dataTimeoutMs,
      ...(options.ca !== undefined && { ca: options.ca }),
    })
    try {
      return await connect(target.tls)
    } catch (error) {
      // RFC 7435 §4: opportunistic security falls back to cleartext when encryption can't be
      // had; a broken handshake left that connection unusable, so a fresh one goes plain.
      if (target.tls === 'opportunistic' && error instanceof SmtpError && error.code === 'SMTP_TLS_FAILED') return connect('none')
      throw error
    }
  }

  const pool = createConnectionPool<SmtpConnection>({
    open,
    maxConnectionsPerKey: options.maxConnectionsPerHost,
    maxMessagesPerConnection: options.maxMessagesPerConnection,
    idleTimeoutMs: options.idleTimeoutMs,
    clock: options.clock,
  })

  return {
    acquire(target) {
      const key = `${target.source.name}|${target.ip}|${target.tls}|${target.mxName}`
      if (!targets.has(key)) targets.set(key, target)
      return pool.acquire(key)
    },
    release: (connection, outcome) => pool.release(connection, outcome),
    openCount() {
      let open = 0
      for (const key of targets.keys()) open += pool.stats(key).open
      return open
    },
    close: () => pool.close(),
  }
}
