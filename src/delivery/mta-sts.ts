import { request } from 'node:https'
import { parsePolicy, resolvePolicy } from 'mailauth/lib/mta-sts.js'
import { TodokuError, type Clock } from '../core/index.ts'
import { DnsError, normalizeDnsName, type Resolver } from '../dns/index.ts'

/**
 * MTA-STS (RFC 8461): a domain publishes `_mta-sts.<domain>` TXT (`v=STSv1; id=…`) and a
 * policy at `https://mta-sts.<domain>/.well-known/mta-sts.txt` naming its MX hosts. In
 * `enforce` mode we deliver only to those hosts, over TLS with a valid certificate; in
 * `testing` mode we only report; `none` means the domain withdrew its policy.
 */
export type MtaStsMode = 'enforce' | 'testing' | 'none'

export interface MtaStsPolicy {
  readonly domain: string
  /** the `id` of the TXT record the policy was fetched under */
  readonly id: string
  readonly mode: MtaStsMode
  /** MX patterns, lower-case: 'mx1.example.jp', '*.example.jp' */
  readonly mx: readonly string[]
  readonly maxAgeSeconds: number
  readonly fetchedAtMs: number
  /** fetchedAtMs + max_age: the policy may be applied until then (RFC 8461 §5.1) */
  readonly expiresAtMs: number
}

/** Gets the policy text of `domain` (from https://mta-sts.<domain>/.well-known/mta-sts.txt); throws on any failure. */
export type FetchMtaStsPolicy = (domain: string) => Promise<string>

export interface MtaStsPolicyCache {
  /** the policy to apply to mail for `domain`, or undefined when it has none */
  policyFor(domain: string): Promise<MtaStsPolicy | undefined>
  readonly size: number
}

export interface MtaStsPolicyCacheDeps {
  readonly dns: Resolver
  readonly fetchPolicy: FetchMtaStsPolicy
  readonly clock: Clock
  /** domains remembered (least recently used forgotten first); default DEFAULT_MAX_POLICY_ENTRIES */
  readonly maxEntries?: number
  /** how long a domain's TXT id (or its absence) is trusted before asking DNS again; default DEFAULT_TXT_RECHECK_MS */
  readonly txtRecheckMs?: number
  /** told of each failed discovery or fetch (delivery goes on as RFC 8461 §5.1 says); for logs and TLS-RPT */
  readonly onError?: (error: TodokuError) => void
}

/**
 * Domains whose policies are kept. Threat: mail to millions of distinct recipient domains
 * (a list of junk addresses) growing the cache without bound.
 */
export const DEFAULT_MAX_POLICY_ENTRIES = 100_000

/**
 * The TXT record (or its absence) is asked again after this long, so a new policy id is
 * picked up within minutes, while a busy domain costs one TXT look-up per 5 minutes rather
 * than one per message.
 */
export const DEFAULT_TXT_RECHECK_MS = 5 * 60_000

/**
 * Largest policy body read. Threat: a hostile policy host streaming an endless body into
 * memory. Real policies are a few hundred bytes; RFC 8461 §3.2 caps neither.
 */
export const MAX_POLICY_BYTES = 64 * 1024

/** Default time for the whole HTTPS fetch. RFC 8461 §3.3: "senders SHOULD ... set a timeout"; we keep delivery waiting no longer than this. */
export const DEFAULT_POLICY_FETCH_TIMEOUT_MS = 10_000

interface Entry {
  policy: MtaStsPolicy | undefined
  checkedAtMs: number
  pending?: Promise<MtaStsPolicy | undefined>
}

/**
 * Discovers, fetches and caches MTA-STS policies (RFC 8461 §3, §5.1). A cached policy is
 * applied until its max_age runs out; its TXT id is checked every `txtRecheckMs` and a
 * changed id fetches the policy again. When discovery or the fetch fails, a cached,
 * unexpired policy keeps applying ("the sender MUST apply that cached policy"); without
 * one, mail goes as if the domain had no policy. Concurrent calls for a domain share one
 * look-up.
 */
export function createMtaStsPolicyCache(deps: MtaStsPolicyCacheDeps): MtaStsPolicyCache {
  const { dns, fetchPolicy, clock, onError } = deps
  const maxEntries = positiveInteger('maxEntries', deps.maxEntries ?? DEFAULT_MAX_POLICY_ENTRIES)
  const txtRecheckMs = positiveInteger('txtRecheckMs', deps.txtRecheckMs ?? DEFAULT_TXT_RECHECK_MS)
  const entries = new Map<string, Entry>()

  // mailauth's resolvePolicy takes a dns.promises.resolve-shaped function and treats
  // ENOTFOUND/ENODATA as "no record"; anything else it rethrows.
  const txtResolver = async (name: string): Promise<string[][]> => {
    try {
      return await dns.txt(name)
    } catch (error) {
      if (error instanceof DnsError && (error.failure === 'NXDOMAIN' || error.failure === 'NODATA')) {
        throw Object.assign(new Error(error.message), { code: error.failure === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA' })
      }
      throw error
    }
  }

  function report(code: string, message: string, cause: unknown): void {
    onError?.(new TodokuError(code, message, { cause }))
  }

  async function discover(domain: string, cached: MtaStsPolicy | undefined): Promise<MtaStsPolicy | undefined> {
    const now = clock.now()
    const stillValid = cached !== undefined && cached.expiresAtMs > now ? cached : undefined
    let id: string | false
    try {
      id = await resolvePolicy(domain, { resolver: txtResolver })
    } catch (cause) {
      report('MTA_STS_DISCOVERY_FAILED', `looking up the MTA-STS record of ${domain}: ${(cause as Error).message}; expected one v=STSv1 TXT record at _mta-sts.${domain} or none`, cause)
      return stillValid
    }
    // No record: a cached policy still applies until it expires (§5.1); a domain that drops
    // MTA-STS is expected to publish mode "none" first (§8.3).
    if (id === false) return stillValid
    if (stillValid !== undefined && stillValid.id === id) return stillValid
    try {
      const text = await fetchPolicy(domain)
      if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw new Error(`policy of ${Buffer.byteLength(text)} bytes; expected at most ${MAX_POLICY_BYTES}`)
      const parsed = parsePolicy(text)
      const maxAgeSeconds = parsed.maxAge ?? 0
      const fetchedAtMs = clock.now()
      return {
        domain,
        id,
        mode: parsed.mode,
        mx: parsed.mx ?? [],
        maxAgeSeconds,
        fetchedAtMs,
        expiresAtMs: fetchedAtMs + maxAgeSeconds * 1000,
      }
    } catch (cause) {
      report('MTA_STS_FETCH_FAILED', `fetching the MTA-STS policy of ${domain} (id ${id}): ${(cause as Error).message}; expected a valid STSv1 policy`, cause)
      return stillValid
    }
  }

  function remember(domain: string, entry: Entry): void {
    entries.delete(domain)
    entries.set(domain, entry)
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest !== undefined) entries.delete(oldest)
    }
  }

  return {
    get size() {
      return entries.size
    },
    policyFor(domainName) {
      const domain = normalizeDnsName(domainName)
      const entry = entries.get(domain)
      const now = clock.now()
      if (entry !== undefined) {
        if (entry.pending !== undefined) return entry.pending
        const fresh = now - entry.checkedAtMs < txtRecheckMs && (entry.policy === undefined || entry.policy.expiresAtMs > now)
        if (fresh) {
          remember(domain, entry)
          return Promise.resolve(entry.policy)
        }
      }
      const next: Entry = { policy: entry?.policy, checkedAtMs: entry?.checkedAtMs ?? now }
      next.pending = discover(domain, entry?.policy).then(
        (policy) => {
          next.policy = policy
          next.checkedAtMs = clock.now()
          next.pending = undefined
          return policy
        },
        (error: unknown) => {
          next.pending = undefined
          throw error
        },
      )
      remember(domain, next)
      return next.pending
    },
  }
}

/**
 * Whether the policy lets us deliver to `mxHost` (RFC 8461 §4.1): an exact name, or
 * '*.example.jp', which matches exactly one more label on the left ('mx1.example.jp', not
 * 'example.jp' nor 'a.mx1.example.jp'). Case-insensitive, trailing dots ignored. Mode
 * `none` allows every host. (mailauth's validateMx matches a wildcard against any number
 * of labels, so it is not used.)
 */
export function mxAllowedByPolicy(policy: MtaStsPolicy, mxHost: string): boolean {
  if (policy.mode === 'none') return true
  const host = normalizeDnsName(mxHost)
  for (const pattern of policy.mx) {
    const wanted = normalizeDnsName(pattern)
    if (wanted.startsWith('*.')) {
      const suffix = wanted.slice(1) // '.example.jp'
      const label = host.slice(0, host.length - suffix.length)
      if (host.endsWith(suffix) && label.length > 0 && !label.includes('.')) return true
    } else if (host === wanted) {
      return true
    }
  }
  return false
}

/**
 * Whether mail under this policy must go only over TLS with a certificate valid for the MX
 * host, to a host `mxAllowedByPolicy` allows (RFC 8461 §4.2, §5): mode `enforce`. In
 * `testing` mode failures are reported (TLS-RPT) and mail goes anyway.
 */
export function mustRequireValidTls(policy: MtaStsPolicy | undefined): boolean {
  return policy?.mode === 'enforce'
}

export interface HttpsPolicyFetcherOptions {
  /** resolves mta-sts.<domain> */
  readonly dns: Resolver
  readonly timeoutMs?: number
  /** trusted certificates instead of the system's CAs (tests, the simulator) */
  readonly ca?: string | Buffer
  /** 443 by RFC 8461 §3.3; tests serve the policy elsewhere on 127.0.0.1 */
  readonly port?: number
}

/**
 * The production FetchMtaStsPolicy (RFC 8461 §3.3): GET
 * https://mta-sts.<domain>/.well-known/mta-sts.txt over a connection to the address our
 * Resolver gives, the certificate checked for mta-sts.<domain>; only a 200 with
 * text/plain counts ("MUST NOT follow HTTP redirects"); at most MAX_POLICY_BYTES.
 */
export function createHttpsPolicyFetcher(options: HttpsPolicyFetcherOptions): FetchMtaStsPolicy {
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_POLICY_FETCH_TIMEOUT_MS)
  const port = options.port ?? 443
  return async (domainName) => {
    const host = `mta-sts.${normalizeDnsName(domainName)}`
    const address = await addressOf(host, options.dns)
    return new Promise<string>((resolve, reject) => {
      const fail = (why: string, cause?: unknown) =>
        reject(new TodokuError('MTA_STS_FETCH_FAILED', `fetching https://${host}/.well-known/mta-sts.txt from ${address}: ${why}`, cause === undefined ? undefined : { cause }))
      const req = request(
        {
          host: address,
          port,
          path: '/.well-known/mta-sts.txt',
          method: 'GET',
          servername: host,
          headers: { host },
          ca: options.ca,
          rejectUnauthorized: true,
          agent: false,
        },
        (res) => {
          const type = (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
          if (res.statusCode !== 200) {
            res.destroy()
            return fail(`HTTP ${res.statusCode}; expected 200 (redirects are not followed, RFC 8461 §3.3)`)
          }
          if (type !== 'text/plain') {
            res.destroy()
            return fail(`Content-Type "${type}"; expected text/plain`)
          }
          const chunks: Buffer[] = []
          let length = 0
          res.on('data', (chunk: Buffer) => {
            length += chunk.length
            if (length > MAX_POLICY_BYTES) {
              res.destroy()
              fail(`body over ${MAX_POLICY_BYTES} bytes`)
            } else chunks.push(chunk)
          })
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
          res.on('error', (cause) => fail(cause.message, cause))
        },
      )
      req.setTimeout(timeoutMs, () => {
        req.destroy()
        fail(`no answer within ${timeoutMs} ms`)
      })
      req.on('error', (cause) => fail(cause.message, cause))
      req.end()
    })
  }
}

async function addressOf(host: string, dns: Resolver): Promise<string> {
  try {
    const [first] = await dns.a(host)
    if (first !== undefined) return first
  } catch (error) {
    if (!(error instanceof DnsError) || error.failure !== 'NODATA') throw error
  }
  const [first] = await dns.aaaa(host)
  return first
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new TodokuError('MTA_STS_OPTIONS_INVALID', `setting up MTA-STS: ${name} ${value}: expected a positive integer`)
  }
  return value
}
