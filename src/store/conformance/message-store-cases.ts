import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STORE_ERRORS } from '../errors.ts'
import { MAX_ADDRESS_LENGTH } from '../message-store.ts'
import { openForTest, sampleMessage, START_MS, type OpenStore } from './open-store.ts'

export function describeMessageStore(open: OpenStore): void {
  test('stores a message once with its recipients queued, its bytes intact and a queued event each', async (t) => {
    const { store } = await openForTest(t, open)
    const content = new Uint8Array(10_000).map((_, i) => i % 251)
    const inserted = await store.insertMessage(
      sampleMessage(['b@Y.test', 'taro..yamada.@docomo.ne.jp', 'c@z.test'], { content, tags: ['welcome'], metadata: { user: '42' }, pool: 'shared' }),
    )
    assert.equal(inserted.isReplay, false)
    assert.deepEqual(inserted.recipients.map((r) => r.address), ['b@Y.test', 'taro..yamada.@docomo.ne.jp', 'c@z.test'])
    const view = await store.getMessage(inserted.messageId)
    assert.ok(view)
    assert.equal(view.tenantId, 'tenant-a')
    assert.equal(view.mailFrom, 'news@example.test')
    assert.equal(view.pool, 'shared')
    assert.deepEqual(view.tags, ['welcome'])
    assert.deepEqual(view.metadata, { user: '42' })
    assert.equal(view.sizeBytes, 10_000)
    assert.equal(view.createdAtMs, START_MS)
    assert.deepEqual(view.recipients.map((r) => [r.id, r.address, r.domain, r.state, r.attemptCount, r.nextAttemptAtMs]), [
      [inserted.recipients[0].id, 'b@Y.test', 'y.test', 'queued', 0, START_MS],
      [inserted.recipients[1].id, 'taro..yamada.@docomo.ne.jp', 'docomo.ne.jp', 'queued', 0, START_MS],
      [inserted.recipients[2].id, 'c@z.test', 'z.test', 'queued', 0, START_MS],
    ])
    assert.deepEqual(await store.getMessageContent(inserted.messageId), content)
    const events = await store.listEvents({ messageId: inserted.messageId })
    assert.deepEqual(events.events.map((e) => [e.type, e.recipientId]), inserted.recipients.map((r) => ['queued', r.id]))
  })

  test('answers a replayed idempotency key with the first ids and stores nothing new', async (t) => {
    const { store } = await openForTest(t, open)
    const first = await store.insertMessage(sampleMessage(['a@x.test', 'b@x.test'], { idempotencyKey: 'order-1' }))
    const replay = await store.insertMessage(sampleMessage(['other@x.test'], { idempotencyKey: 'order-1' }))
    assert.equal(replay.isReplay, true)
    assert.equal(replay.messageId, first.messageId)
    assert.deepEqual(replay.recipients, first.recipients)
    const counts = await store.countRecipientsByState()
    assert.equal(counts.queued, 2)
    const otherTenant = await store.insertMessage(sampleMessage(['a@x.test'], { idempotencyKey: 'order-1', tenantId: 'tenant-b' }))
    assert.equal(otherTenant.isReplay, false)
    assert.notEqual(otherTenant.messageId, first.messageId)
  })

  test('stores one message when concurrent inserts carry the same idempotency key', async (t) => {
    const { store } = await openForTest(t, open)
    const results = await Promise.all(Array.from({ length: 8 }, () => store.insertMessage(sampleMessage(['a@x.test'], { idempotencyKey: 'k' }))))
    assert.equal(new Set(results.map((r) => r.messageId)).size, 1)
    assert.equal(results.filter((r) => !r.isReplay).length, 1)
    assert.equal((await store.countRecipientsByState()).queued, 1)
  })

  test('keeps nothing of a message whose insert fails midway, and commits the inserts beside it', async (t) => {
    const { store } = await openForTest(t, open)
    const tooLong = `${'x'.repeat(MAX_ADDRESS_LENGTH)}@x.test`
    const [bad, good] = await Promise.allSettled([
      store.insertMessage(sampleMessage(['first@x.test', tooLong], { idempotencyKey: 'k' })),
      store.insertMessage(sampleMessage(['neighbour@x.test'])),
    ])
    assert.equal(bad.status, 'rejected')
    assert.equal((bad.reason as { code?: string }).code, STORE_ERRORS.INVALID_INPUT)
    assert.equal(good.status, 'fulfilled')
    const counts = await store.countRecipientsByState()
    assert.equal(counts.queued, 1)
    const events = await store.listEvents({ tenantId: 'tenant-a' })
    assert.equal(events.events.length, 1)
    const retried = await store.insertMessage(sampleMessage(['first@x.test'], { idempotencyKey: 'k' }))
    assert.equal(retried.isReplay, false, 'the failed insert must not have kept its idempotency key')
  })

  test('refuses a message without recipients', async (t) => {
    const { store } = await openForTest(t, open)
    await assert.rejects(store.insertMessage(sampleMessage([])), { code: STORE_ERRORS.INVALID_INPUT })
  })

  test('answers undefined for a message it does not have', async (t) => {
    const { store } = await openForTest(t, open)
    assert.equal(await store.getMessage('01JXXXXXXXXXXXXXXXXXXXXXXX'), undefined)
    assert.equal(await store.getMessageContent('01JXXXXXXXXXXXXXXXXXXXXXXX'), undefined)
  })

  test('rejects calls after close with STORE_CLOSED', async (t) => {
    const { store } = await openForTest(t, open)
    await store.close()
    await assert.rejects(store.insertMessage(sampleMessage(['a@x.test'])), { code: STORE_ERRORS.CLOSED })
    await assert.rejects(store.claimDue(START_MS, { limit: 1, leaseMs: 1, owner: 'a' }), { code: STORE_ERRORS.CLOSED })
  })
}
