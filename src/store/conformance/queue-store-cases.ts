import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AttemptDetails } from '../message-store.ts'
import { openForTest, sampleMessage, START_MS, type OpenStore } from './open-store.ts'

const LEASE_MS = 60_000

/** A real reply, from Gmail's 4xx rate limiting. */
const GMAIL_421: AttemptDetails = {
  atMs: START_MS + 5,
  egressIp: '127.0.0.2',
  egressName: 'mta1.example.test',
  mxHost: 'gmail-smtp-in.l.google.com',
  replyCode: '421',
  enhancedStatus: '4.7.28',
  replyText: "Gmail has detected an unusual rate of mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.",
  verdict: { reason: 'ratelimited', action: 'slow_down', rule: 'data/bounce-rules/google.toml:12' },
  transcript: 'C: RCPT TO:<a@x.test>\nS: 421-4.7.28 Gmail has detected…',
  durationMs: 12,
}

export function describeQueueStore(open: OpenStore): void {
  test('claims due recipients grouped by message and domain, with the message bytes', async (t) => {
    const { store } = await openForTest(t, open)
    const one = await store.insertMessage(sampleMessage(['a@x.test', 'b@x.test', 'c@y.test'], { tags: ['t1'] }))
    const two = await store.insertMessage(sampleMessage(['d@x.test']))
    const groups = await store.claimDue(START_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'node-1' })
    const shape = groups.map((g) => [g.messageId, g.domain, g.recipients.map((r) => r.address).sort()]).sort()
    assert.deepEqual(shape, [
      [one.messageId, 'x.test', ['a@x.test', 'b@x.test']],
      [one.messageId, 'y.test', ['c@y.test']],
      [two.messageId, 'x.test', ['d@x.test']],
    ].sort())
    const group = groups.find((g) => g.messageId === one.messageId)
    assert.ok(group)
    assert.equal(group.leaseExpiresAtMs, START_MS + LEASE_MS)
    assert.equal(group.mailFrom, 'news@example.test')
    assert.deepEqual(group.tags, ['t1'])
    assert.deepEqual(group.content, sampleMessage([]).content)
    assert.equal(group.recipients[0].attemptCount, 0)
    assert.equal((await store.countRecipientsByState()).leased, 4)
    assert.deepEqual(await store.claimDue(START_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'node-2' }), [])
  })

  test('never gives the same recipient to two concurrent claimers', async (t) => {
    const { store } = await openForTest(t, open)
    const all = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const inserted = await store.insertMessage(sampleMessage([`a${i}@x.test`, `b${i}@y.test`, `c${i}@y.test`, `d${i}@z.test`]))
      for (const r of inserted.recipients) all.add(r.id)
    }
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.claimDue(START_MS, { limit: 40, leaseMs: LEASE_MS, owner: `node-${i}` })),
    )
    const claimed = claims.flat().flatMap((g) => g.recipients.map((r) => r.id))
    assert.equal(new Set(claimed).size, claimed.length, 'a recipient was claimed twice')
    assert.equal(claimed.length, all.size)
  })

  test('does not claim a deferred or scheduled recipient before its time', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const later = await store.insertMessage(sampleMessage(['later@x.test'], { sendAtMs: START_MS + 10_000 }))
    const now = await store.insertMessage(sampleMessage(['now@x.test']))
    assert.equal(await store.nextDueAtMs(), START_MS)
    const [group] = await store.claimDue(START_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'n' })
    assert.equal(group.messageId, now.messageId)
    clock.advance(5)
    await store.recordOutcomes('n', [{ recipientId: now.recipients[0].id, kind: 'deferred', nextAttemptAtMs: START_MS + 20_000, attempt: GMAIL_421 }])
    assert.equal(await store.nextDueAtMs(), START_MS + 10_000)
    assert.deepEqual(await store.claimDue(START_MS + 9_999, { limit: 10, leaseMs: LEASE_MS, owner: 'n' }), [])
    const atTen = await store.claimDue(START_MS + 10_000, { limit: 10, leaseMs: LEASE_MS, owner: 'n' })
    assert.deepEqual(atTen.map((g) => g.messageId), [later.messageId])
    assert.deepEqual(await store.claimDue(START_MS + 19_999, { limit: 10, leaseMs: LEASE_MS, owner: 'n' }), [])
    const atTwenty = await store.claimDue(START_MS + 20_000, { limit: 10, leaseMs: LEASE_MS, owner: 'n' })
    assert.deepEqual(atTwenty.map((g) => [g.messageId, g.recipients[0].attemptCount]), [[now.messageId, 1]])
  })

  test('returns the recipients of an expired lease to the queue, and the old owner’s outcome is stale', async (t) => {
    const { store } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['a@x.test', 'b@x.test']))
    await store.claimDue(START_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'dead-node' })
    assert.equal(await store.releaseExpiredLeases(START_MS + LEASE_MS - 1), 0)
    assert.deepEqual(await store.claimDue(START_MS + LEASE_MS - 1, { limit: 10, leaseMs: LEASE_MS, owner: 'live-node' }), [])
    assert.equal(await store.releaseExpiredLeases(START_MS + LEASE_MS), 2)
    const view = await store.getMessage(inserted.messageId)
    assert.deepEqual(view?.recipients.map((r) => r.state), ['queued', 'queued'])
    const reclaimed = await store.claimDue(START_MS + LEASE_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'live-node' })
    assert.equal(reclaimed.flatMap((g) => g.recipients).length, 2)
    const result = await store.recordOutcomes('dead-node', [{ recipientId: inserted.recipients[0].id, kind: 'failed', attempt: { ...GMAIL_421, replyCode: '550' } }])
    assert.deepEqual(result, { applied: 0, staleRecipientIds: [inserted.recipients[0].id] })
    assert.equal((await store.getMessage(inserted.messageId))?.recipients[0].state, 'leased')
  })

  test('records each outcome with its attempt, reply, verdict and transcript, and an event', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['ok@x.test', 'later@x.test', 'gone@x.test', 'old@x.test']))
    await store.claimDue(START_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'n' })
    clock.advance(10)
    const [ok, later, gone, old] = inserted.recipients.map((r) => r.id)
    const delivered: AttemptDetails = { atMs: START_MS + 10, mxHost: 'mx.x.test', replyCode: '250', enhancedStatus: '2.0.0', replyText: 'OK id=1' }
    const result = await store.recordOutcomes('n', [
      { recipientId: ok, kind: 'delivered', attempt: delivered },
      { recipientId: later, kind: 'deferred', nextAttemptAtMs: START_MS + 600_000, attempt: GMAIL_421 },
      { recipientId: gone, kind: 'failed', attempt: { ...delivered, replyCode: '550', enhancedStatus: '5.1.1', replyText: 'The email account that you tried to reach does not exist.' } },
      { recipientId: old, kind: 'expired' },
    ])
    assert.deepEqual(result, { applied: 4, staleRecipientIds: [] })
    const view = await store.getMessage(inserted.messageId)
    assert.ok(view)
    assert.deepEqual(view.recipients.map((r) => [r.state, r.attemptCount]), [['delivered', 1], ['deferred', 1], ['failed', 1], ['expired', 0]])
    assert.deepEqual(view.recipients[1].attempts, [{ ...GMAIL_421, outcome: 'deferred' }])
    assert.equal(view.recipients[1].nextAttemptAtMs, START_MS + 600_000)
    assert.deepEqual(view.recipients[2].lastReply, { atMs: START_MS + 10, replyCode: '550', enhancedStatus: '5.1.1', text: 'The email account that you tried to reach does not exist.' })
    assert.deepEqual(view.recipients[3].attempts, [])
    const events = await store.listEvents({ messageId: inserted.messageId })
    assert.deepEqual(events.events.filter((e) => e.type !== 'queued').map((e) => [e.type, e.recipientId]), [
      ['delivered', ok], ['deferred', later], ['failed', gone], ['expired', old],
    ])
    const deferredEvent = events.events.find((e) => e.type === 'deferred')
    assert.equal(deferredEvent?.data.replyCode, '421')
    assert.deepEqual(deferredEvent?.data.verdict, GMAIL_421.verdict)
  })

  test('leaves a final recipient as it is and reports the outcome stale', async (t) => {
    const { store } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['a@x.test']))
    await store.claimDue(START_MS, { limit: 1, leaseMs: LEASE_MS, owner: 'n' })
    const id = inserted.recipients[0].id
    await store.recordOutcomes('n', [{ recipientId: id, kind: 'delivered', attempt: { atMs: START_MS, replyCode: '250' } }])
    const again = await store.recordOutcomes('n', [
      { recipientId: id, kind: 'failed', attempt: { atMs: START_MS + 1, replyCode: '550' } },
      { recipientId: 'no-such-recipient', kind: 'delivered', attempt: { atMs: START_MS + 1 } },
    ])
    assert.deepEqual(again, { applied: 0, staleRecipientIds: [id, 'no-such-recipient'] })
    const view = await store.getMessage(inserted.messageId)
    assert.equal(view?.recipients[0].state, 'delivered')
    assert.equal(view?.recipients[0].attemptCount, 1)
  })

  test('gives released leases back untried, due when asked', async (t) => {
    const { store } = await openForTest(t, open)
    const inserted = await store.insertMessage(sampleMessage(['a@x.test', 'b@x.test']))
    await store.claimDue(START_MS, { limit: 10, leaseMs: LEASE_MS, owner: 'n' })
    const ids = inserted.recipients.map((r) => r.id)
    assert.equal(await store.releaseLeases('other', ids, START_MS + 500), 0)
    assert.equal(await store.releaseLeases('n', ids, START_MS + 500), 2)
    const view = await store.getMessage(inserted.messageId)
    assert.deepEqual(view?.recipients.map((r) => [r.state, r.attemptCount, r.nextAttemptAtMs]), [['queued', 0, START_MS + 500], ['queued', 0, START_MS + 500]])
    assert.deepEqual(await store.claimDue(START_MS + 499, { limit: 10, leaseMs: LEASE_MS, owner: 'n' }), [])
  })

  test('counts recipients by state and knows when the next one is due', async (t) => {
    const { store } = await openForTest(t, open)
    assert.equal(await store.nextDueAtMs(), undefined)
    assert.deepEqual(await store.countRecipientsByState(), { queued: 0, leased: 0, delivered: 0, deferred: 0, failed: 0, expired: 0 })
    await store.insertMessage(sampleMessage(['a@x.test', 'b@x.test', 'c@x.test']))
    await store.claimDue(START_MS, { limit: 1, leaseMs: LEASE_MS, owner: 'n' })
    assert.deepEqual(await store.countRecipientsByState(), { queued: 2, leased: 1, delivered: 0, deferred: 0, failed: 0, expired: 0 })
  })
}
