// Every key of todoku's config file, once: type, unit, default and description. The typed
// config (`TodokuConfig`), the loader's checks, the environment variable names and
// docs/config.md (`todoku config --docs`) all come from here.
import { isIP } from 'node:net'
import { LOG_LEVELS, type LogLevel } from '../log/index.ts'
import {
  boolean, byteSize, duration, hostPort, integer, ipAddress, oneOf, optional, path, port, string, stringList, tableList,
  type ConfigOf,
} from './field.ts'

/** RFC 1035 host name labels: what an EHLO name (RFC 5321 §4.1.1.1) and a pool or source name may be. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i
const NAME_EXPECTED = 'a name of letters, digits, - and _ (at most 64)'

/** 'ip' or 'ip:port' or '[ipv6]:port', as node:dns setServers takes them. */
function isDnsServer(text: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text)
  if (bracketed !== null) return isIP(bracketed[1]) === 6 && (bracketed[2] === undefined || Number(bracketed[2]) <= 65_535)
  if (isIP(text) !== 0) return true
  const withPort = /^([\d.]+):(\d{1,5})$/.exec(text)
  return withPort !== null && isIP(withPort[1]) === 4 && Number(withPort[2]) <= 65_535
}

export const EGRESS_SOURCE_SCHEMA = {
  name: string({ description: 'how pools and logs refer to this source', pattern: NAME, expected: NAME_EXPECTED }),
  address: ipAddress({ description: 'the local IP address connections are made from (it must be on this machine); its PTR should name `ehloName`' }),
  ehloName: string({ description: 'the name this source gives in EHLO', pattern: HOST_NAME, expected: 'a host name (RFC 5321 §4.1.1.1)' }),
}

export const EGRESS_POOL_SCHEMA = {
  name: string({ description: 'how sending domains, tags and the API pick this pool', pattern: NAME, expected: NAME_EXPECTED }),
  kind: oneOf(['dedicated', 'shared'], { description: '`dedicated`: one sender’s reputation; `shared`: several senders’ mail mixed', default: 'shared' }),
  sources: stringList({ description: 'names of the egress sources in this pool', expected: 'egress source names' }),
}

export const EGRESS_RULE_SCHEMA = {
  sendingDomain: optional(string({ description: 'match messages from this sending domain', pattern: HOST_NAME, expected: 'a domain name' }), '(any)'),
  tag: optional(string({ description: 'match messages with this tag', expected: 'a tag' }), '(any)'),
  pool: string({ description: 'the pool matching messages use', pattern: NAME, expected: NAME_EXPECTED }),
}

export const CONFIG_SCHEMA = {
  dataDir: path({ description: 'folder for the SQLite database (`todoku.db`) and the generated VERP secret; created if missing', default: '.todoku' }),
  api: {
    host: string({ description: 'address the HTTP API listens on; `0.0.0.0` for every interface', default: '127.0.0.1' }),
    port: port({ description: 'TCP port of the HTTP API (`0`: any free port)', default: 8580 }),
  },
  submission: {
    enabled: boolean({ description: 'run the SMTP submission server (AUTH with API keys)', default: true }),
    host: string({ description: 'address SMTP submission listens on', default: '127.0.0.1' }),
    port: port({ description: 'TCP port of SMTP submission (587 needs privileges; `0`: any free port)', default: 2587 }),
    tls: {
      certFile: optional(path({ description: 'PEM certificate (chain) offered with STARTTLS; without it STARTTLS is not offered' })),
      keyFile: optional(path({ description: 'PEM private key of `certFile`' })),
    },
  },
  delivery: {
    mxPort: port({ description: 'TCP port of receiving mail servers (25; tests point it at a sink)', default: 25 }),
    relayHost: optional(hostPort({
      description: 'send all mail to this host (a smarthost, Postfix’s `relayhost = [host]:port`) instead of each recipient domain’s MX hosts: a name is looked up for its A/AAAA addresses, MX records are not consulted, and MTA-STS does not apply',
      defaultPort: 25,
    }), '(none: MX hosts)'),
    ehloName: optional(string({ description: 'EHLO name when no egress sources are configured', pattern: HOST_NAME, expected: 'a host name' }), '(this machine’s host name)'),
    connectTimeoutMs: duration({ description: 'TCP connect and greeting wait per MX address (Postfix smtp_connect_timeout)', default: 30_000, min: 1 }),
    commandTimeoutMs: duration({ description: 'wait for the reply to each SMTP command (RFC 5321 §4.5.3.2: 5 minutes)', default: 300_000, min: 1 }),
    dataTimeoutMs: duration({ description: 'wait for the reply after the message data (RFC 5321 §4.5.3.2: 10 minutes)', default: 600_000, min: 1 }),
    connectionIdleMs: duration({ description: 'an idle connection is kept this long for the next message to the same host', default: 30_000, min: 1 }),
    maxConnectionsPerHost: integer({ description: 'open connections per (egress source, MX address)', default: 10, min: 1, max: 1000 }),
    maxMessagesPerConnection: integer({ description: 'SMTP transactions over one connection before QUIT', default: 100, min: 1, max: 100_000 }),
    maxInFlightGroups: integer({ description: 'deliveries (one message × one recipient domain = one transaction) in flight at once', default: 400, min: 1, max: 100_000 }),
    claimBatchSize: integer({ description: 'recipients claimed from the queue at once', default: 500, min: 1, max: 100_000 }),
    leaseMs: duration({ description: 'how long a claimed delivery is ours; a crashed process’s claims come back after it', default: 600_000, min: 1000 }),
    leaseRecoveryIntervalMs: duration({ description: 'how often expired claims (a crashed process’s) are released', default: 60_000, min: 1 }),
    maxIdleSleepMs: duration({ description: 'with nothing due, the queue is looked at again after this', default: 1_000, min: 1 }),
    tls: oneOf(['opportunistic', 'none'], { description: 'STARTTLS where neither MTA-STS `enforce` nor the sending domain’s require-TLS applies: `opportunistic` uses it when offered', default: 'opportunistic' }),
    routeCacheMs: duration({ description: 'how long a domain’s MX hosts and addresses are kept', default: 300_000, min: 1 }),
    negativeRouteCacheMs: duration({ description: 'how long a failed route (NXDOMAIN, null MX, SERVFAIL) is kept', default: 30_000, min: 1 }),
    sendingDomainCacheMs: duration({ description: 'sending domains (DKIM keys, require-TLS) are re-read from the store after this', default: 60_000, min: 1 }),
    retry: {
      baseDelayMs: duration({ description: 'delay after the first temporary failure; it doubles per attempt', default: 300_000, min: 1 }),
      maxDelayMs: duration({ description: 'longest delay between two attempts', default: 14_400_000, min: 1 }),
      maxAgeMs: duration({ description: 'a message still undelivered this long after it was queued expires (Postfix maximal_queue_lifetime)', default: 432_000_000, min: 1 }),
    },
  },
  egress: {
    sources: tableList(EGRESS_SOURCE_SCHEMA, { description: 'egress sources: local IP address and EHLO name. None: the system picks the address and the EHLO name is `delivery.ehloName`', default: [] }),
    pools: tableList(EGRESS_POOL_SCHEMA, { description: 'egress pools: named groups of sources. None: one shared pool `default` of every source', default: [] }),
    rules: tableList(EGRESS_RULE_SCHEMA, { description: 'which pool a message uses, by sending domain and tag; the first matching rule wins, after a pool the API call names', default: [] }),
    defaultPool: string({ description: 'the pool a message uses when its sending domain, tags and API call name none', default: 'default', pattern: NAME, expected: NAME_EXPECTED }),
  },
  dns: {
    servers: stringList({ description: 'name servers to ask (`ip` or `ip:port`); empty: the system’s resolvers', default: [], item: isDnsServer, expected: "'ip' or 'ip:port'" }),
    timeoutMs: duration({ description: 'per DNS query try', default: 5_000, min: 1 }),
    tries: integer({ description: 'tries per name server', default: 2, min: 1, max: 10 }),
  },
  verp: {
    secret: optional(string({ description: 'HMAC key of VERP return paths (`bounce+<token>@…`); at least 16 characters', pattern: /^.{16,}$/s, expected: 'at least 16 characters' }), '(generated once into `<dataDir>/verp-secret`)'),
  },
  mtaSts: {
    enabled: boolean({ description: 'fetch receivers’ MTA-STS policies (RFC 8461) and enforce those in `enforce` mode', default: true }),
  },
  checks: {
    intervalMs: duration({ description: '`todoku serve` re-checks every sending domain (SPF, DKIM, DMARC, PTR, blocklists…) this often', default: 6 * 3_600_000, min: 60_000 }),
    mxHost: optional(string({ description: 'todoku’s inbound host, which bounce domains’ MX must name (`todoku domain add` prints it; `domain check` verifies it)', pattern: HOST_NAME, expected: 'a host name' }), '(not checked)'),
    spfInclude: optional(string({ description: 'a domain whose SPF record lists every egress IP, for senders to `include:` instead of ip4:/ip6: terms', pattern: HOST_NAME, expected: 'a domain name' }), '(ip4:/ip6: of egress.sources)'),
    dnsblFile: optional(path({ description: 'the DNS blocklists to query (format of data/dnsbl.toml)' }), '(data/dnsbl.toml)'),
  },
  retention: {
    finishedMessagesMs: duration({ description: 'a message whose every recipient is delivered, failed or expired is deleted (content, recipients, attempts with their transcripts) this long after its last recipient’s outcome; a message with a recipient still queued or deferred is never deleted. `0`: kept forever', default: 30 * 86_400_000 }),
    eventsMs: duration({ description: 'events (what happened to each message and recipient: queued, delivered, bounced, complained…, and domain check changes) are deleted this long after they happened, whether or not their message is still kept. `0`: kept forever', default: 30 * 86_400_000 }),
    idempotencyKeysMs: duration({ description: 'an `Idempotency-Key` is forgotten this long after its message was queued (the message stays); the same key then queues a new message. A key also goes with its message. `0`: kept as long as the message', default: 86_400_000 }),
    intervalMs: duration({ description: '`todoku serve` deletes what is past these times this often, in batches of a few hundred rows', default: 3_600_000, min: 1_000 }),
  },
  log: {
    level: oneOf<LogLevel>(LOG_LEVELS, { description: 'lowest level written to stdout as JSON lines', default: 'info' }),
  },
  content: {
    enabled: boolean({ description: 'run the content preflight (src/content: RFC 5322/MIME, size, unsubscribe, 特定電子メール法, phishing signs, attachments, HTML) on every message the API and SMTP submission take', default: true }),
    threads: integer({ description: 'worker threads that check messages over `inlineMaxBytes`, off the thread that serves HTTP and SMTP (a 1 MB message with an attachment takes ~1 ms to check, a crafted one more); 0: every message on that thread', default: 1, min: 0, max: 64 }),
    inlineMaxBytes: byteSize({ description: 'a message up to this size is checked on the thread that serves HTTP and SMTP even with `threads`: its check (~10 µs for 10 KB) costs less than the hand-off to a thread, and the worst found takes under 1 ms. `0`: every message goes to a thread', default: 16 * 1024 }),
    policy: oneOf(['off', 'warn', 'reject'], { description: 'what a finding does when its check is in none of the lists below: `warn` stores it with the message and returns it in the API answer; `reject` refuses the message (API 422, SMTP 550 5.7.1); `off` ignores it', default: 'warn' }),
    reject: stringList({ description: 'check ids (`attachment.dangerous-type`) or groups (`header`, `mime`, `scanner`) whose findings refuse the message; info findings never do. A scanner listed here that cannot be asked refuses temporarily (API 503, SMTP 451 4.7.1)', default: ['scanner.virus'], item: (value) => /^[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(value), expected: 'a check id or group' }),
    warn: stringList({ description: 'check ids or groups whose findings are stored and returned', default: [], item: (value) => /^[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(value), expected: 'a check id or group' }),
    off: stringList({ description: 'check ids or groups whose findings are ignored', default: [], item: (value) => /^[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(value), expected: 'a check id or group' }),
    sizeWarnBytes: byteSize({ description: 'a message larger than this gets a warning (size.message-large)', default: 10 * 1024 * 1024, min: 1 }),
    sizeRejectBytes: byteSize({ description: 'a message larger than this gets an error (size.message-too-large)', default: 25 * 1024 * 1024, min: 1 }),
    attachmentWarnBytes: byteSize({ description: 'an attachment larger than this gets a warning', default: 10 * 1024 * 1024, min: 1 }),
    attachmentRejectBytes: byteSize({ description: 'an attachment larger than this gets an error', default: 25 * 1024 * 1024, min: 1 }),
    spamd: optional(hostPort({ description: 'SpamAssassin spamd to ask (SYMBOLS over SPAMC/1.5); its verdict is scanner.spam', defaultPort: 783 }), '(none: not asked)'),
    clamd: optional(hostPort({ description: 'ClamAV clamd to ask (INSTREAM over TCP); its verdict is scanner.virus', defaultPort: 3310 }), '(none: not asked)'),
    scannerTimeoutMs: duration({ description: 'per scanner call, connect to verdict; a timeout fails temporary', default: 10_000, min: 1 }),
  },
  limits: {
    maxMessageBytes: byteSize({ description: 'largest message accepted by the API and SMTP submission', default: 25 * 1024 * 1024, min: 1024 }),
    maxRecipients: integer({ description: 'most recipients (to + cc + bcc) in one message', default: 1000, min: 1, max: 100_000 }),
  },
}

/** The whole config, as `loadConfig` returns it: validated, typed, deep-frozen. */
export type TodokuConfig = ConfigOf<typeof CONFIG_SCHEMA>
export type EgressSourceConfig = ConfigOf<typeof EGRESS_SOURCE_SCHEMA>
export type EgressPoolConfig = ConfigOf<typeof EGRESS_POOL_SCHEMA>
export type EgressRuleConfig = ConfigOf<typeof EGRESS_RULE_SCHEMA>

/**
 * Checks between keys, after each key has been read on its own: names that must resolve,
 * pairs that go together. Each returns `[key, problem]` pairs.
 */
export function crossCheckConfig(config: TodokuConfig): [string, string][] {
  const problems: [string, string][] = []
  const { sources, pools, defaultPool } = config.egress
  const sourceNames = new Set<string>()
  sources.forEach((source, index) => {
    if (sourceNames.has(source.name)) problems.push([`egress.sources[${index}].name`, `${JSON.stringify(source.name)}: expected a name no other source has`])
    sourceNames.add(source.name)
  })
  const poolNames = new Set<string>()
  pools.forEach((pool, index) => {
    if (poolNames.has(pool.name)) problems.push([`egress.pools[${index}].name`, `${JSON.stringify(pool.name)}: expected a name no other pool has`])
    poolNames.add(pool.name)
    pool.sources.forEach((name, at) => {
      if (!sourceNames.has(name)) problems.push([`egress.pools[${index}].sources[${at}]`, `${JSON.stringify(name)}: expected the name of an egress source (${[...sourceNames].join(', ') || 'none is configured'})`])
    })
    if (pool.sources.length === 0) problems.push([`egress.pools[${index}].sources`, 'empty: expected at least one egress source name'])
  })
  const knownPools = pools.length > 0 ? poolNames : new Set(['default'])
  config.egress.rules.forEach((rule, index) => {
    if (!knownPools.has(rule.pool)) problems.push([`egress.rules[${index}].pool`, `${JSON.stringify(rule.pool)}: expected the name of a configured pool (${[...knownPools].join(', ')})`])
    if (rule.sendingDomain === undefined && rule.tag === undefined) problems.push([`egress.rules[${index}]`, 'matches every message: expected sendingDomain, tag or both (use egress.defaultPool for the rest)'])
  })
  if (pools.length > 0 && !poolNames.has(defaultPool)) {
    problems.push(['egress.defaultPool', `${JSON.stringify(defaultPool)}: expected the name of a configured pool (${[...poolNames].join(', ')})`])
  }
  if (pools.length === 0 && defaultPool !== 'default') {
    problems.push(['egress.defaultPool', `${JSON.stringify(defaultPool)}: no egress.pools are configured, so the only pool is "default"`])
  }
  const { certFile, keyFile } = config.submission.tls
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push([certFile === undefined ? 'submission.tls.certFile' : 'submission.tls.keyFile', 'missing: certFile and keyFile go together'])
  }
  if (config.delivery.retry.maxDelayMs < config.delivery.retry.baseDelayMs) {
    problems.push(['delivery.retry.maxDelayMs', `${config.delivery.retry.maxDelayMs} ms: expected at least delivery.retry.baseDelayMs (${config.delivery.retry.baseDelayMs} ms)`])
  }
  return problems
}
