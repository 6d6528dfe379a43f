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

test('prunes every row of a finished message: content, recipients, attempts', async (t) => {
  const path = join(root, 'prune-rows.db')
  const clock = createManualClock(1_000)
  const store = await openSqliteStore({ path, clock, random: systemRandom })
  t.after(() => store.close())
  const keep = await store.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: 'k@y.test' }], content: new Uint8Array(3) })
  const prune = await store.insertMessage({ tenantId: 't', mailFrom: '', sendingDomain: 'x.test', recipients: [{ address: 'a@y.test' }, { address: 'b@z.test' }], content: new Uint8Array(3) })
  const groups = await store.claimDue(1_000, { limit: 10, leaseMs: 1_000, owner: 'n' })
  const outcomes = groups.flatMap((g) => g.recipients).map((r) => ({ recipientId: r.id, kind: r.address === 'k@y.test' ? 'deferred' as const : 'delivered' as const, nextAttemptAtMs: 5_000, attempt: { atMs: 1_000, replyCode: '250', transcript: 'S: 250 OK' } }))
  await store.recordOutcomes('n', outcomes)
  clock.advance(10)
  assert.equal((await store.prune({ finishedBeforeMs: clock.now(), limit: 10 })).messages, 1)
  const db = new DatabaseSync(path, { readOnly: true })
  t.after(() => db.close())
  const rowsOf = (sql: string, id: string) => (db.prepare(sql).get(id) as { n: number }).n
  for (const [messageId, expected] of [[prune.messageId, 0], [keep.messageId, 1]] as const) {
    assert.equal(rowsOf('SELECT count(*) AS n FROM messages WHERE id = ?', messageId), expected)
    assert.equal(rowsOf('SELECT count(*) AS n FROM message_contents WHERE message_id = ?', messageId), expected)
    assert.equal(rowsOf('SELECT count(*) AS n FROM recipients WHERE message_id = ?', messageId), expected)
  }
  assert.deepEqual(db.prepare('SELECT recipient_id FROM attempts').all().map((row) => row.recipient_id), [keep.recipients[0].id], 'only the kept message’s attempt stays')
})

test('migrating to version 4 works out which existing messages are finished, and since when', async (t) => {
  const path = join(root, 'v3.db')
  const db = new DatabaseSync(path)
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)')
  for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
    db.exec(migration.sql)
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migration.version)
  }
  const message = db.prepare(`INSERT INTO messages (id, tenant_id, mail_from, sending_domain, tags, metadata, size_bytes, created_at) VALUES (?, 't', '', 'x.test', '[]', '{}', 3, 100)`)
  const content = db.prepare('INSERT INTO message_contents (message_id, content) VALUES (?, ?)')
  const recipient = db.prepare(`INSERT INTO recipients (id, message_id, position, address, domain, state, next_attempt_at, updated_at) VALUES (?, ?, ?, 'a@y.test', 'y.test', ?, 100, ?)`)
  for (const [id, states] of [['done', ['delivered', 'failed']], ['open', ['delivered', 'deferred']], ['late', ['expired', 'delivered']]] as const) {
    message.run(id)
    content.run(id, new Uint8Array(3))
    states.forEach((state, position) => recipient.run(`${id}-${position}`, id, position, state, id === 'late' ? 5_000 + position : 200 + position))
  }
  db.close()
  const clock = createManualClock(10_000)
  const store = await openSqliteStore({ path, clock, random: systemRandom, thread: 'main' })
  t.after(() => store.close())
  assert.equal((await store.prune({ finishedBeforeMs: 1_000, limit: 10 })).messages, 1)
  assert.equal(await store.getMessage('done'), undefined)
  assert.ok(await store.getMessage('late'), 'finished at its last recipient’s time, after the cutoff')
  await store.recordOutcomes('n', [{ recipientId: 'open-1', kind: 'failed', attempt: { atMs: 10_000, replyCode: '550' } }])
  assert.equal((await store.prune({ finishedBeforeMs: 10_001, limit: 10 })).messages, 2)
  assert.equal(await store.getMessage('open'), undefined)
})
