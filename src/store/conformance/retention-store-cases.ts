import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STORE_ERRORS } from '../errors.ts'
import type { AttemptDetails } from '../message-store.ts'
import type { RecipientOutcome } from '../queue-store.ts'
import type { Store } from '../store.ts'
import { openForTest, sampleMessage, START_MS, type OpenStore } from './open-store.ts'

const LEASE_MS = 60_000
const DAY_MS = 86_400_000

const ACCEPTED: AttemptDetails = {
  atMs: START_MS,
  mxHost: 'mx.x.test',
  replyCode: '250',
  enhancedStatus: '2.0.0',
  replyText: '2.0.0 OK 1750000000 a1-20020a170906',
  transcript: 'C: DATA\nS: 354 Go ahead\nC: .\nS: 250 2.0.0 OK 1750000000 a1-20020a170906',
}
/** A real reply: Gmail's 5.1.1 for a mailbox that doesn't exist. */
const USER_UNKNOWN: AttemptDetails = {
  ...ACCEPTED,
  replyCode: '550',
  enhancedStatus: '5.1.1',
  replyText: "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
}

/** Claims every due recipient and gives each the outcome `kindOf` picks, at the clock's time. */
async function settleAll(store: Store, nowMs: number, kindOf: (address: string) => 'delivered' | 'failed' | 'deferred' | 'expired' | 'leave'): Promise<void> {
  const groups = await store.claimDue(nowMs, { limit: 1_000, leaseMs: LEASE_MS, owner: 'n' })
  const outcomes = groups.flatMap((group) => group.recipients).flatMap((recipient): RecipientOutcome[] => {
    const kind = kindOf(recipient.address)
    const attempt = { ...(kind === 'failed' ? USER_UNKNOWN : ACCEPTED), atMs: nowMs }
    switch (kind) {
      case 'leave':
        return []
      case 'deferred':
        return [{ recipientId: recipient.id, kind, nextAttemptAtMs: nowMs + 600_000, attempt }]
      case 'expired':
        return [{ recipientId: recipient.id, kind }]
      default:
        return [{ recipientId: recipient.id, kind, attempt }]
    }
  })
  await store.recordOutcomes('n', outcomes)
}

export function describeRetentionStore(open: OpenStore): void {
  test('prunes a finished message past the cutoff with its content, recipients and attempts; reads then find nothing', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['ok@x.test', 'gone@x.test', 'old@y.test']))
    clock.advance(10)
    await settleAll(store, clock.now(), (address) => (address.startsWith('ok') ? 'delivered' : address.startsWith('gone') ? 'failed' : 'expired'))
    assert.equal((await store.getMessage(inserted.messageId))?.recipients[1].attempts.length, 1)
    clock.advance(30 * DAY_MS)
    const result = await store.prune({ finishedBeforeMs: clock.now() - 29 * DAY_MS, limit: 10 })
    assert.deepEqual(result, { messages: 1, events: 0, idempotencyKeys: 0, hasMore: false })
    assert.equal(await store.getMessage(inserted.messageId), undefined)
    assert.equal(await store.getMessageContent(inserted.messageId), undefined)
    assert.deepEqual(await store.countRecipientsByState(), { queued: 0, leased: 0, delivered: 0, deferred: 0, failed: 0, expired: 0 })
    const late = await store.recordOutcomes('n', [{ recipientId: inserted.recipients[0].id, kind: 'delivered', attempt: ACCEPTED }])
    assert.deepEqual(late, { applied: 0, staleRecipientIds: [inserted.recipients[0].id] }, 'a pruned recipient is unknown')
    assert.equal((await store.listEvents({ messageId: inserted.messageId })).events.length, 6, 'events go by their own cutoff')
  })

  test('keeps a message with a queued, leased or deferred recipient among final ones, however old', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const deferred = await store.insertMessage(sampleMessage(['a@x.test', 'later@x.test', 'b@x.test']))
    const leased = await store.insertMessage(sampleMessage(['c@x.test', 'held@y.test']))
    await settleAll(store, clock.now(), (address) => (address.startsWith('later') ? 'deferred' : address.startsWith('held') ? 'leave' : 'delivered'))
    const queued = await store.insertMessage(sampleMessage(['d@x.test', 'e@x.test'], { sendAtMs: START_MS + 400 * DAY_MS }))
    await settleAll(store, clock.now(), () => 'failed')
    clock.advance(365 * DAY_MS)
    assert.deepEqual(await store.prune({ finishedBeforeMs: clock.now(), limit: 10 }), { messages: 0, events: 0, idempotencyKeys: 0, hasMore: false })
    assert.deepEqual((await store.getMessage(deferred.messageId))?.recipients.map((r) => r.state), ['delivered', 'deferred', 'delivered'])
    assert.deepEqual((await store.getMessage(leased.messageId))?.recipients.map((r) => r.state), ['delivered', 'leased'])
    assert.deepEqual((await store.getMessage(queued.messageId))?.recipients.map((r) => r.state), ['queued', 'queued'])
    assert.ok(await store.getMessageContent(deferred.messageId))
  })

  test('counts a message finished from its last recipient’s final outcome, and keeps it until then plus the cutoff', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['a@x.test', 'later@x.test']))
    await settleAll(store, clock.now(), (address) => (address.startsWith('later') ? 'deferred' : 'delivered'))
    clock.advance(DAY_MS)
    const finishedAtMs = clock.now()
    await settleAll(store, finishedAtMs, () => 'delivered')
    clock.advance(DAY_MS)
    assert.equal((await store.prune({ finishedBeforeMs: finishedAtMs, limit: 10 })).messages, 0, 'finished at the cutoff is not before it')
    assert.ok(await store.getMessage(inserted.messageId))
    assert.equal((await store.prune({ finishedBeforeMs: finishedAtMs + 1, limit: 10 })).messages, 1)
    assert.equal(await store.getMessage(inserted.messageId), undefined)
  })

  test('keeps a young finished message while pruning an old one', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const old = await store.insertMessage(sampleMessage(['a@x.test']))
    await settleAll(store, clock.now(), () => 'delivered')
    clock.advance(DAY_MS)
    const young = await store.insertMessage(sampleMessage(['b@x.test']))
    await settleAll(store, clock.now(), () => 'failed')
    assert.equal((await store.prune({ finishedBeforeMs: clock.now() - 1, limit: 10 })).messages, 1)
    assert.equal(await store.getMessage(old.messageId), undefined)
    assert.deepEqual((await store.getMessage(young.messageId))?.recipients.map((r) => r.state), ['failed'])
  })

  test('prunes events before their cutoff and keeps the later ones in order', async (t) => {
    const { store } = await openForTest(t, open)
    await store.appendEvents([
      { type: 'bounced', atMs: START_MS + 3_000, tenantId: 'tenant-a', data: { n: 3 } },
      { type: 'bounced', atMs: START_MS + 1_000, tenantId: 'tenant-a', data: { n: 1 } },
      { type: 'complained', atMs: START_MS + 2_000, tenantId: 'tenant-b', data: { n: 2 } },
      { type: 'unsubscribed', atMs: START_MS + 4_000, tenantId: 'tenant-a', data: { n: 4 } },
    ])
    assert.deepEqual(await store.prune({ eventsBeforeMs: START_MS + 3_000, limit: 10 }), { messages: 0, events: 2, idempotencyKeys: 0, hasMore: false })
    const left = await store.listEvents({})
    assert.deepEqual(left.events.map((e) => e.data.n), [3, 4])
  })

  test('forgets idempotency keys before their cutoff and keeps the messages; the key then queues a new message', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const first = await store.insertMessage(sampleMessage(['a@x.test'], { idempotencyKey: 'order-1' }))
    clock.advance(DAY_MS)
    const second = await store.insertMessage(sampleMessage(['b@x.test'], { idempotencyKey: 'order-2' }))
    clock.advance(1)
    assert.deepEqual(await store.prune({ idempotencyKeysBeforeMs: clock.now() - 1, limit: 10 }), { messages: 0, events: 0, idempotencyKeys: 1, hasMore: false })
    const kept = await store.getMessage(first.messageId)
    assert.ok(kept, 'the message stays')
    assert.equal(kept.idempotencyKey, undefined)
    assert.equal((await store.getMessage(second.messageId))?.idempotencyKey, 'order-2')
    assert.equal((await store.insertMessage(sampleMessage(['b@x.test'], { idempotencyKey: 'order-2' }))).isReplay, true)
    const again = await store.insertMessage(sampleMessage(['a@x.test'], { idempotencyKey: 'order-1' }))
    assert.equal(again.isReplay, false)
    assert.notEqual(again.messageId, first.messageId)
    assert.equal((await store.countRecipientsByState()).queued, 3)
  })

  test('removes at most `limit` of each kind per call, oldest first, and says whether more remains', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push((await store.insertMessage(sampleMessage([`r${i}@x.test`], { idempotencyKey: `k${i}` }))).messageId)
      await settleAll(store, clock.now(), () => 'delivered')
      clock.advance(1_000)
    }
    // 5 messages, 10 events (queued + delivered each), 5 keys
    const cutoffs = { finishedBeforeMs: clock.now(), eventsBeforeMs: clock.now(), idempotencyKeysBeforeMs: clock.now() }
    const first = await store.prune({ ...cutoffs, limit: 2 })
    assert.deepEqual(first, { messages: 2, events: 2, idempotencyKeys: 2, hasMore: true })
    assert.equal(await store.getMessage(ids[0]), undefined)
    assert.equal(await store.getMessage(ids[1]), undefined)
    assert.ok(await store.getMessage(ids[2]))
    assert.deepEqual(await store.prune({ ...cutoffs, limit: 3 }), { messages: 3, events: 3, idempotencyKeys: 0, hasMore: true })
    assert.deepEqual(await store.prune({ ...cutoffs, limit: 5 }), { messages: 0, events: 5, idempotencyKeys: 0, hasMore: false })
    assert.deepEqual(await store.prune({ ...cutoffs, limit: 5 }), { messages: 0, events: 0, idempotencyKeys: 0, hasMore: false })
  })

  test('prunes nothing without a cutoff, and refuses a limit below one', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['a@x.test'], { idempotencyKey: 'k' }))
    await settleAll(store, clock.now(), () => 'delivered')
    clock.advance(DAY_MS)
    assert.deepEqual(await store.prune({ limit: 10 }), { messages: 0, events: 0, idempotencyKeys: 0, hasMore: false })
    assert.equal((await store.getMessage(inserted.messageId))?.idempotencyKey, 'k')
    await assert.rejects(store.prune({ finishedBeforeMs: clock.now(), limit: 0 }), { code: STORE_ERRORS.INVALID_INPUT })
  })
}
