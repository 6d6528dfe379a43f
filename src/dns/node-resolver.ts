import { promises as dnsPromises } from 'node:dns'
import { TodokuError } from '../core/index.ts'
import { DnsError, type DnsRecordType } from './dns-error.ts'
import type { DnsFailure, Resolver } from './resolver.ts'

export interface NodeResolverOptions {
  /** name servers, as 'ip' or 'ip:port' ('127.0.0.1:5353', '[::1]:5353'); default: the system's */
  readonly servers?: readonly string[]
  /** per try; c-ares doubles it on each retry */
  readonly timeoutMs?: number
  /** attempts per server */
  readonly tries?: number
}

/** c-ares codes (node:dns `dns.NOTFOUND`…) → our failures. Any other error is a bug and is rethrown. */
const FAILURE_BY_NODE_CODE: Readonly<Record<string, DnsFailure>> = {
  ENOTFOUND: 'NXDOMAIN',
  // c-ares rejects a name it cannot encode (empty label, label > 63 octets): no such name can exist
  EBADNAME: 'NXDOMAIN',
  ENODATA: 'NODATA',
  ESERVFAIL: 'SERVFAIL',
  EFORMERR: 'SERVFAIL',
  EBADRESP: 'SERVFAIL',
  ENOTIMP: 'SERVFAIL',
  EOF: 'SERVFAIL',
  ETIMEOUT: 'TIMEOUT',
  ECONNREFUSED: 'TIMEOUT',
  ECANCELLED: 'TIMEOUT',
  EREFUSED: 'REFUSED',
}

/**
 * The Resolver port over node:dns (c-ares), asking `servers` directly. Every failure is a
 * DnsError with the look-up and the c-ares code as `cause`.
 */
export function createNodeResolver(options: NodeResolverOptions = {}): Resolver {
  const { servers, timeoutMs, tries } = options
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new TodokuError('DNS_OPTIONS_INVALID', `creating a DNS resolver: timeoutMs ${timeoutMs}: expected a positive integer`)
  }
  if (tries !== undefined && !(Number.isInteger(tries) && tries > 0)) {
    throw new TodokuError('DNS_OPTIONS_INVALID', `creating a DNS resolver: tries ${tries}: expected a positive integer`)
  }
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs ?? -1, tries: tries ?? 4 })
  if (servers !== undefined) {
    try {
      resolver.setServers([...servers])
    } catch (cause) {
      throw new TodokuError('DNS_OPTIONS_INVALID', `creating a DNS resolver: servers ${JSON.stringify(servers)}: expected 'ip' or 'ip:port' each`, { cause })
    }
  }

  async function ask<T>(rrtype: DnsRecordType, name: string, lookUp: () => Promise<T>): Promise<T> {
    try {
      return await lookUp()
    } catch (cause) {
      const code = (cause as { code?: unknown } | null)?.code
      const failure = typeof code === 'string' ? FAILURE_BY_NODE_CODE[code] : undefined
      if (failure === undefined) throw cause
      throw new DnsError(failure, name, rrtype, { detail: `${String(code)} from ${resolver.getServers().join(', ')}`, cause })
    }
  }

  return {
    txt: (name) => ask('TXT', name, () => resolver.resolveTxt(name)),
    // node 24 adds `type: 'MX'` to each record; the port's MxRecord is exchange + priority
    mx: (name) => ask('MX', name, async () => (await resolver.resolveMx(name)).map(({ exchange, priority }) => ({ exchange, priority }))),
    a: (name) => ask('A', name, () => resolver.resolve4(name)),
    aaaa: (name) => ask('AAAA', name, () => resolver.resolve6(name)),
    ptr: (address) => ask('PTR', address, () => resolver.reverse(address)),
  }
}
