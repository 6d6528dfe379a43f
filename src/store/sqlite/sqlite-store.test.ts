import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { createManualClock, createSeededRandom, systemRandom } from '../../core/index.ts'
import { runStoreConformance } from '../conformance.ts'
import { STORE_ERRORS } from '../errors.ts'
import { openSqliteStore } from '../index.ts'
import { MIGRATIONS } from './schema.ts'
import { DatabaseSync } from 'node:sqlite'

const root = mkdtempSync(join(tmpdir(), 'todoku-sqlite-store-'))
after(() => rmSync(root, { recursive: true, force: true }))
let opened = 0

runStoreConformance('sqlite in a worker thread', ({ clock, random }) => openSqliteStore({ path: join(root, `conformance-${opened++}`), clock, random }))
runStoreConformance('sqlite on the main thread', ({ clock, random }) => openSqliteStore({ path: join(root, `conformance-${opened++}`), clock, random, thread: 'main' }))

test('two connections on one database file never claim the same recipient', async (t) => {
  const path = join(root, 'shared.db')
  const clock = createManualClock(1_000)
  const a = await openSqliteStore({ path, clock, random: createSeededRandom(1) })
  const b = await openSqliteStore({ path, clock, random: createSeededRandom(2) })
  t.after(async () => {
    await a.close()
    await b.close()
  })
  for (let i = 0; i < 100; i++) await a.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: `r${i}@y.test` }], content: new Uint8Array(10) })
  const claims = await Promise.all([a, b, a, b].map((store, i) => store.claimDue(1_000, { limit: 30, leaseMs: 1_000, owner: `o${i}` })))
  const ids = claims.flat().flatMap((g) => g.recipients.map((r) => r.id))
  assert.equal(ids.length, 100)
  assert.equal(new Set(ids).size, 100)
})

test('keeps the data folder and its schema version across reopenings', async () => {
  const path = join(root, 'data-folder')
  const clock = createManualClock(1_000)
  const first = await openSqliteStore({ path, clock, random: systemRandom })
  const inserted = await first.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: 'a@y.test' }], content: new Uint8Array(3) })
  await first.close()
  const again = await openSqliteStore({ path, clock, random: systemRandom })
  assert.equal((await again.getMessage(inserted.messageId))?.recipients.length, 1)
  await again.close()
  const db = new DatabaseSync(join(path, 'todoku.db'))
  const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').all().map((row) => row.version)
  assert.deepEqual(versions, MIGRATIONS.map((m) => m.version))
  assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal')
  db.close()
})

test('refuses a database written by a newer schema', async () => {
  const path = join(root, 'newer.db')
  const clock = createManualClock(1_000)
  await (await openSqliteStore({ path, clock, random: systemRandom })).close()
  const db = new DatabaseSync(path)
  db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length + 1)
  db.close()
  await assert.rejects(openSqliteStore({ path, clock, random: systemRandom }), { code: STORE_ERRORS.SCHEMA_TOO_NEW })
})

test('commits inserts arriving together in one transaction, each caller answered after it', async (t) => {
  const store = await openSqliteStore({ path: join(root, 'group.db'), clock: createManualClock(1_000), random: systemRandom })
  t.after(() => store.close())
  const inserted = await Promise.all(
    Array.from({ length: 64 }, (_, i) => store.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: `r${i}@y.test` }], content: new Uint8Array(100) })),
  )
  assert.equal(new Set(inserted.map((r) => r.messageId)).size, 64)
  assert.equal((await store.countRecipientsByState()).queued, 64)
})

test('makes the same ids and times in its worker thread as on the main thread, from the ports it was given', async (t) => {
  const inserted = []
  for (const thread of ['main', 'worker'] as const) {
    const clock = createManualClock(1_750_000_000_000)
    const store = await openSqliteStore({ path: join(root, `ports-${thread}.db`), clock, random: createSeededRandom(7), thread })
    t.after(() => store.close())
    const message = await store.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: 'a@y.test' }, { address: 'b@y.test' }], content: new Uint8Array(5) })
    clock.advance(1_000)
    const view = await store.getMessage(message.messageId)
    inserted.push({ message, createdAtMs: view?.createdAtMs, events: (await store.listEvents({ messageId: message.messageId })).events.map((e) => [e.id, e.atMs]) })
  }
  assert.deepEqual(inserted[1], inserted[0])
  assert.equal(inserted[1].createdAtMs, 1_750_000_000_000)
})

test('answers a caller whose content buffer it was given without taking the buffer away', async (t) => {
  const store = await openSqliteStore({ path: join(root, 'keeps-buffer.db'), clock: createManualClock(1_000), random: systemRandom })
  t.after(() => store.close())
  const content = new Uint8Array(10_240).fill(0x61)
  const [first, second] = await Promise.all([0, 1].map((i) => store.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: `r${i}@y.test` }], content })))
  assert.equal(content.byteLength, 10_240)
  assert.deepEqual(await store.getMessageContent(first.messageId), content)
  assert.deepEqual(await store.getMessageContent(second.messageId), content)
})
