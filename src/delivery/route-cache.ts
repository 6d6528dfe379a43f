// Routes per recipient domain, kept for a while: resolveRoute costs about five DNS queries,
// and a batch holds many messages to the same few domains.
import type { Clock, Random } from '../core/index.ts'
import type { Resolver } from '../dns/index.ts'
import { resolveRelayRoute, resolveRoute, type Route } from './mx.ts'

export interface RouteCacheOptions {
  readonly dns: Resolver
  readonly random: Random
  readonly clock: Clock
  /** how long a route with hosts is kept */
  readonly ttlMs: number
  /** how long a failed route (NXDOMAIN, null MX, SERVFAIL) is kept: shorter, so a fixed zone is seen soon */
  readonly negativeTtlMs: number
  /** domains kept; the oldest entry goes first */
  readonly maxEntries?: number
  /** every domain's route is this relay host's (a smarthost): one look-up, shared */
  readonly relayHost?: string
}

export interface RouteCache {
  /** the domain's route, from the cache or DNS; concurrent calls for a domain share one look-up */
  route(domain: string): Promise<Route>
  readonly size: number
}

/**
 * Domains whose routes are kept. Threat: mail to millions of distinct junk domains growing
 * the cache without bound.
 */
export const DEFAULT_MAX_ROUTE_ENTRIES = 50_000

interface Entry {
  readonly expiresAtMs: number
  readonly route: Promise<Route>
}

export function createRouteCache(options: RouteCacheOptions): RouteCache {
  const { dns, random, clock, ttlMs, negativeTtlMs } = options
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ROUTE_ENTRIES
  const entries = new Map<string, Entry>()

  function look(domain: string): Promise<Route> {
    const pending = options.relayHost === undefined ? resolveRoute(domain, { dns, random }) : resolveRelayRoute(options.relayHost, dns)
    // Until the answer comes, the entry lives for the negative TTL; then for the answer's own.
    entries.set(domain, { expiresAtMs: clock.now() + negativeTtlMs, route: pending })
    pending.then(
      (route) => {
        if (entries.get(domain)?.route !== pending) return
        entries.set(domain, { expiresAtMs: clock.now() + (route.kind === 'hosts' ? ttlMs : negativeTtlMs), route: pending })
      },
      () => {
        if (entries.get(domain)?.route === pending) entries.delete(domain)
      },
    )
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    return pending
  }

  return {
    route(domain) {
      const key = options.relayHost ?? domain
      const entry = entries.get(key)
      if (entry !== undefined && entry.expiresAtMs > clock.now()) return entry.route
      return look(key)
    },
    get size() {
      return entries.size
    },
  }
}
