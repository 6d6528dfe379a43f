// Egress: the sources mail leaves from (a local IP and its EHLO name), the pools they form,
// which pool a message uses, and the shaping seam that picks a source for each delivery.
import { TodokuError } from '../core/index.ts'
import type { Verdict } from '../bounce/index.ts'

/** One way out: a local address to bind and the name we give in EHLO (the address's PTR name). */
export interface EgressSource {
  readonly name: string
  /** the local IP to bind outgoing connections to ('192.0.2.10', '127.0.0.1'); absent: the OS picks */
  readonly address?: string
  readonly ehloName: string
}

/**
 * Sources used together. `dedicated`: one sender's reputation alone; `shared`: many senders'
 * (the next issue's shaping treats them differently, overflowing to shared pools).
 */
export interface EgressPool {
  readonly name: string
  readonly kind: 'dedicated' | 'shared'
  /** names of EgressSources */
  readonly sources: readonly string[]
}

/** A message matching every given field uses `pool` (rules are tried in order). */
export interface PoolRule {
  readonly sendingDomain?: string
  readonly tag?: string
  readonly pool: string
}

export interface EgressConfig {
  readonly sources: readonly EgressSource[]
  readonly pools: readonly EgressPool[]
  /** the pool of a message that names none and matches no rule */
  readonly defaultPool: string
  readonly rules?: readonly PoolRule[]
}

/** The facts of a message that choose its pool. */
export interface PoolChoiceInput {
  /** asked for at injection (the API's `pool` field) */
  readonly pool?: string
  readonly sendingDomain: string
  readonly tags: readonly string[]
}

/**
 * The message's pool: the one it asked for, else the first rule its sending domain or tags
 * match, else the default. A pool name the config lacks falls through to the next choice;
 * `unknownPool` then names it, so the caller can log it.
 */
export function choosePool(message: PoolChoiceInput, config: EgressConfig): { pool: EgressPool; unknownPool?: string } {
  const byName = (name: string) => config.pools.find((pool) => pool.name === name)
  let unknownPool: string | undefined
  if (message.pool !== undefined) {
    const asked = byName(message.pool)
    if (asked !== undefined) return { pool: asked }
    unknownPool = message.pool
  }
  for (const rule of config.rules ?? []) {
    if (rule.sendingDomain !== undefined && rule.sendingDomain.toLowerCase() !== message.sendingDomain.toLowerCase()) continue
    if (rule.tag !== undefined && !message.tags.includes(rule.tag)) continue
    const pool = byName(rule.pool)
    if (pool !== undefined) return unknownPool === undefined ? { pool } : { pool, unknownPool }
  }
  const pool = byName(config.defaultPool)!
  return unknownPool === undefined ? { pool } : { pool, unknownPool }
}

/** Throws CONFIG_INVALID naming every problem: duplicate names, pools naming unknown sources, missing default. */
export function checkEgressConfig(config: EgressConfig): void {
  const problems: string[] = []
  const sourceNames = new Set<string>()
  for (const source of config.sources) {
    if (sourceNames.has(source.name)) problems.push(`source ${JSON.stringify(source.name)}: defined twice`)
    sourceNames.add(source.name)
    if (!/^[\x21-\x7e]{1,255}$/.test(source.ehloName)) problems.push(`source ${JSON.stringify(source.name)}: ehloName ${JSON.stringify(source.ehloName)}: expected a host name`)
  }
  const poolNames = new Set<string>()
  for (const pool of config.pools) {
    if (poolNames.has(pool.name)) problems.push(`pool ${JSON.stringify(pool.name)}: defined twice`)
    poolNames.add(pool.name)
    if (pool.sources.length === 0) problems.push(`pool ${JSON.stringify(pool.name)}: expected at least one source`)
    for (const name of pool.sources) if (!sourceNames.has(name)) problems.push(`pool ${JSON.stringify(pool.name)}: source ${JSON.stringify(name)} is not defined`)
  }
  if (!poolNames.has(config.defaultPool)) problems.push(`defaultPool ${JSON.stringify(config.defaultPool)} is not a defined pool`)
  for (const [i, rule] of (config.rules ?? []).entries()) {
    if (!poolNames.has(rule.pool)) problems.push(`rules[${i}]: pool ${JSON.stringify(rule.pool)} is not defined`)
  }
  if (problems.length > 0) throw new TodokuError('CONFIG_INVALID', `checking the egress config: ${problems.join('; ')}`)
}

/** What the dispatcher asks before a delivery: may I send to this site now, and from which source? */
export interface ShapingRequest {
  /** the MX rollup: the first MX host's name, or the domain when it has none (implicit MX) */
  readonly site: string
  /** the recipient domain */
  readonly domain: string
  readonly pool: EgressPool
  readonly nowMs: number
  /** recipients in the transaction */
  readonly recipients: number
}

export type ShapingDecision =
  | { readonly kind: 'send'; readonly source: EgressSource }
  /** not now: the recipients go back to the queue, due at untilMs */
  | { readonly kind: 'wait'; readonly untilMs: number }

/** What came of a delivery, for shaping to learn from (one call per recipient outcome). */
export interface ShapingOutcome {
  readonly source: EgressSource
  readonly site: string
  /** the reply's verdict; undefined when the recipient was delivered */
  readonly verdict: Verdict | undefined
  readonly nowMs: number
}

/**
 * THE SHAPING SEAM. The dispatcher asks `decide` before each transaction ("may I send this
 * now, from which source?") and tells `record` what each recipient's reply was. The default
 * (createRoundRobinShaping) imposes no limits; the shaping issue plugs per-provider rates,
 * connection limits per (source × site), warm-up schedules and pauses on `slow_down` /
 * `pause_and_reduce` verdicts into exactly this interface, without touching the dispatcher.
 * Both calls are synchronous and on the hot path: keep them O(1).
 */
export interface ShapingPolicy {
  decide(request: ShapingRequest): ShapingDecision
  record(outcome: ShapingOutcome): void
}

/** No limits: rotates through each pool's sources, one transaction at a time. */
export function createRoundRobinShaping(sources: readonly EgressSource[]): ShapingPolicy {
  const byName = new Map(sources.map((source) => [source.name, source]))
  const next = new Map<string, number>()
  return {
    decide({ pool }) {
      const turn = next.get(pool.name) ?? 0
      next.set(pool.name, (turn + 1) % pool.sources.length)
      const source = byName.get(pool.sources[turn % pool.sources.length])
      if (source === undefined) {
        throw new TodokuError('CONFIG_INVALID', `choosing an egress source in pool ${JSON.stringify(pool.name)}: source ${JSON.stringify(pool.sources[turn])} is not defined`)
      }
      return { kind: 'send', source }
    },
    record() {},
  }
}
