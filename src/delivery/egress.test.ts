import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkEgressConfig, choosePool, createRoundRobinShaping, type EgressConfig } from './egress.ts'

const config: EgressConfig = {
  sources: [
    { name: 'a', address: '127.0.0.1', ehloName: 'a.mta.example' },
    { name: 'b', address: '127.0.0.1', ehloName: 'b.mta.example' },
    { name: 'c', address: '127.0.0.1', ehloName: 'c.mta.example' },
  ],
  pools: [
    { name: 'shared', kind: 'shared', sources: ['a', 'b'] },
    { name: 'acme', kind: 'dedicated', sources: ['c'] },
    { name: 'news', kind: 'shared', sources: ['b'] },
  ],
  defaultPool: 'shared',
  rules: [{ sendingDomain: 'acme.example', pool: 'acme' }, { tag: 'newsletter', pool: 'news' }],
}

test('chooses the asked pool, then the first matching rule, then the default', () => {
  assert.equal(choosePool({ pool: 'news', sendingDomain: 'acme.example', tags: [] }, config).pool.name, 'news')
  assert.equal(choosePool({ sendingDomain: 'ACME.example', tags: ['newsletter'] }, config).pool.name, 'acme')
  assert.equal(choosePool({ sendingDomain: 'other.example', tags: ['newsletter'] }, config).pool.name, 'news')
  assert.equal(choosePool({ sendingDomain: 'other.example', tags: [] }, config).pool.name, 'shared')
})

test('falls through an unknown asked pool and names it', () => {
  assert.deepEqual(choosePool({ pool: 'gone', sendingDomain: 'other.example', tags: [] }, config), { pool: config.pools[0], unknownPool: 'gone' })
})

test('round-robin shaping rotates through a pool\'s sources and never waits', () => {
  const shaping = createRoundRobinShaping(config.sources)
  const pool = config.pools[0]
  const picked = Array.from({ length: 4 }, () => shaping.decide({ site: 'mx.example', domain: 'example', pool, nowMs: 0, recipients: 1 }))
  assert.deepEqual(picked.map((d) => (d.kind === 'send' ? d.source.name : d.kind)), ['a', 'b', 'a', 'b'])
})

test('reports every egress config problem at once', () => {
  assert.throws(() => checkEgressConfig({
    sources: [{ name: 'a', ehloName: 'a.example' }, { name: 'a', ehloName: 'bad name' }],
    pools: [{ name: 'p', kind: 'shared', sources: ['x'] }],
    defaultPool: 'q',
    rules: [{ tag: 't', pool: 'r' }],
  }), (error: Error) => {
    for (const part of ['source "a": defined twice', 'ehloName "bad name"', 'source "x" is not defined', 'defaultPool "q"', 'rules[0]: pool "r"']) {
      assert.ok(error.message.includes(part), `${part} in ${error.message}`)
    }
    return true
  })
  checkEgressConfig(config)
})
