// Held egress IPs: an IP newly listed on a blocklist sends nothing until it is delisted (or its
// hold runs out). `withIpHolds` puts the holds in front of any shaping policy: a held source of
// the pool is skipped, and a pool whose every source is held waits.
import type { Clock } from '../core/index.ts'
import type { EgressSource, ShapingPolicy } from './egress.ts'

/**
 * How long recipients wait when every source of their pool is held: long enough not to spin on
 * a listing (delisting takes hours), short enough that mail moves soon after a release.
 */
export const IP_HOLD_RECHECK_DELAY_MS = 5 * 60_000

export interface IpHold {
  readonly ip: string
  readonly reason: string
  /** absent: until released */
  readonly untilMs?: number
}

export interface IpHolds {
  /** hold `ip` (a new hold replaces an earlier one); with `untilMs`, the hold ends by itself then */
  hold(ip: string, reason: string, untilMs?: number): void
  release(ip: string): void
  /** held at `nowMs` (default: the clock's now) */
  isHeld(ip: string, nowMs?: number): boolean
  /** the holds in force at `nowMs` (default: the clock's now) */
  list(nowMs?: number): IpHold[]
  /** how many holds are recorded (expired ones included until next asked about): 0 lets shaping skip the check */
  readonly size: number
}

export interface IpHoldsDeps {
  readonly clock: Clock
}

/** IPv6 addresses compare case-insensitively; IPv4 are unchanged. */
const ipKey = (ip: string): string => ip.toLowerCase()

export function createIpHolds(deps: IpHoldsDeps): IpHolds {
  const holds = new Map<string, IpHold>()
  const current = (ip: string, nowMs: number): IpHold | undefined => {
    const key = ipKey(ip)
    const hold = holds.get(key)
    if (hold?.untilMs !== undefined && nowMs >= hold.untilMs) {
      holds.delete(key)
      return undefined
    }
    return hold
  }
  return {
    hold(ip, reason, untilMs) {
      holds.set(ipKey(ip), { ip, reason, ...(untilMs !== undefined && { untilMs }) })
    },
    release(ip) {
      holds.delete(ipKey(ip))
    },
    isHeld: (ip, nowMs = deps.clock.now()) => current(ip, nowMs) !== undefined,
    list(nowMs = deps.clock.now()) {
      return [...holds.keys()].map((key) => current(key, nowMs)).filter((hold) => hold !== undefined)
    },
    get size() {
      return holds.size
    },
  }
}

/**
 * `inner`, minus held sources: a pool's held sources are taken out of the pool `inner` chooses
 * from; when all are held, the recipients wait IP_HOLD_RECHECK_DELAY_MS (or until the first
 * timed hold ends, if sooner). A source without an address (the OS picks) is never held.
 */
export function withIpHolds(inner: ShapingPolicy, holds: IpHolds, sources: readonly EgressSource[]): ShapingPolicy {
  const addressOf = new Map(sources.map((source) => [source.name, source.address]))
  const isHeldSource = (name: string, nowMs: number) => {
    const address = addressOf.get(name)
    return address !== undefined && holds.isHeld(address, nowMs)
  }
  return {
    decide(request) {
      if (holds.size === 0) return inner.decide(request)
      const { pool, nowMs } = request
      const free = pool.sources.filter((name) => !isHeldSource(name, nowMs))
      if (free.length === pool.sources.length) return inner.decide(request)
      if (free.length > 0) return inner.decide({ ...request, pool: { ...pool, sources: free } })
      const endsOf = new Map(holds.list(nowMs).map((hold) => [ipKey(hold.ip), hold.untilMs]))
      let untilMs = nowMs + IP_HOLD_RECHECK_DELAY_MS
      for (const name of pool.sources) {
        const ends = endsOf.get(ipKey(addressOf.get(name) ?? ''))
        if (ends !== undefined && ends < untilMs) untilMs = ends
      }
      return { kind: 'wait', untilMs }
    },
    record: (outcome) => inner.record(outcome),
  }
}

/** What a blocklist check says of an egress IP (the domain monitor's `onListing` gives it). */
export interface IpListingNotice {
  readonly ip: string
  /** the blocklist's zone ('zen.spamhaus.org') */
  readonly zone: string
  /** true: became listed; false: no longer listed */
  readonly listed: boolean
}

/**
 * The wiring from blocklist listings to holds: a listed IP is held, and released once no list
 * still lists it (listed on two lists and delisted from one stays held).
 */
export function holdListedIps(holds: IpHolds): (notice: IpListingNotice) => void {
  const zonesOf = new Map<string, Set<string>>()
  return ({ ip, zone, listed }) => {
    const key = ipKey(ip)
    const zones = zonesOf.get(key) ?? new Set<string>()
    if (listed) zones.add(zone)
    else zones.delete(zone)
    if (zones.size > 0) {
      zonesOf.set(key, zones)
      holds.hold(ip, `listed on ${[...zones].sort().join(', ')}`)
    } else {
      zonesOf.delete(key)
      holds.release(ip)
    }
  }
}
