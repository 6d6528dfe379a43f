import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createManualClock } from '../core/index.ts'
import { createRoundRobinShaping, type EgressPool, type EgressSource, type ShapingDecision } from './egress.ts'
import { createIpHolds, holdListedIps, IP_HOLD_RECHECK_DELAY_MS, withIpHolds } from './ip-holds.ts'

const sources: EgressSource[] = [
  { name: 'a', address: '192.0.2.1', ehloName: 'a.mta.example' },
  { name: 'b', address: '192.0.2.2', ehloName: 'b.mta.example' },
  { name: 'c', address: '2001:DB8::3', ehloName: 'c.mta.example' },
]
const pool: EgressPool = { name: 'shared', kind: 'shared', sources: ['a', 'b', 'c'] }
const NOW_MS = 1_000_000

function setUp() {
  const clock = createManualClock(NOW_MS)
  const holds = createIpHolds({ clock })
  const shaping = withIpHolds(createRoundRobinShaping(sources), holds, sources)
  const pick = (times: number, nowMs = NOW_MS): string[] =>
    Array.from({ length: times }, () => nameOf(shaping.decide({ site: 'mx.example', domain: 'example', pool, nowMs, recipients: 1 })))
  return { clock, holds, shaping, pick }
}

const nameOf = (decision: ShapingDecision): string => (decision.kind === 'send' ? decision.source.name : `wait:${decision.untilMs}`)

test('a held source is skipped and the others of its pool take its turns', () => {
  const { holds, pick } = setUp()
  holds.hold('192.0.2.2', 'listed on zen.spamhaus.org')
  assert.deepEqual(new Set(pick(6)), new Set(['a', 'c']))
  holds.hold('2001:db8::3', 'listed on bl.spamcop.net')
  assert.deepEqual(pick(3), ['a', 'a', 'a'])
})

test('when every source of the pool is held the recipients wait the recheck delay', () => {
  const { holds, pick } = setUp()
  for (const source of sources) holds.hold(source.address!, 'listed')
  assert.deepEqual(pick(1), [`wait:${NOW_MS + IP_HOLD_RECHECK_DELAY_MS}`])
})

test('a released source is used again, and a timed hold ends by itself', () => {
  const { holds, pick } = setUp()
  holds.hold('192.0.2.1', 'listed')
  holds.hold('192.0.2.2', 'listed')
  holds.hold('2001:db8::3', 'listed', NOW_MS + 60_000)
  assert.deepEqual(pick(1), [`wait:${NOW_MS + 60_000}`], 'waits only until the first timed hold ends')
  holds.release('192.0.2.2')
  assert.deepEqual(pick(2), ['b', 'b'])
  assert.deepEqual(new Set(pick(4, NOW_MS + 60_000)), new Set(['b', 'c']))
  assert.deepEqual(holds.list(NOW_MS + 60_000).map((hold) => hold.ip), ['192.0.2.1'])
})

test('a listing holds its IP until no list still lists it', () => {
  const { holds } = setUp()
  const onListing = holdListedIps(holds)
  onListing({ ip: '192.0.2.1', zone: 'zen.spamhaus.org', listed: true })
  onListing({ ip: '192.0.2.1', zone: 'bl.spamcop.net', listed: true })
  assert.equal(holds.isHeld('192.0.2.1'), true)
  assert.match(holds.list()[0]!.reason, /bl\.spamcop\.net, zen\.spamhaus\.org/)
  onListing({ ip: '192.0.2.1', zone: 'zen.spamhaus.org', listed: false })
  assert.equal(holds.isHeld('192.0.2.1'), true)
  onListing({ ip: '192.0.2.1', zone: 'bl.spamcop.net', listed: false })
  assert.equal(holds.isHeld('192.0.2.1'), false)
})
