import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashApiKeyToken } from '../api-key-store.ts'
import type { NewSendingDomain } from '../domain-store.ts'
import { STORE_ERRORS } from '../errors.ts'
import { openForTest, sampleMessage, START_MS, type OpenStore } from './open-store.ts'

/** Not real keys: the store keeps PEM text as given, so any PEM-shaped text round-trips. */
const RSA_PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC…\n-----END PRIVATE KEY-----\n'
const ED25519_PEM = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIH…\n-----END PRIVATE KEY-----\n'

export function describeRecordStores(open: OpenStore): void {
  test('lists events by message, by recipient, since a time and page by page after a cursor', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const one = await store.insertMessage(sampleMessage(['a@x.test', 'b@x.test']))
    clock.advance(1_000)
    const two = await store.insertMessage(sampleMessage(['c@x.test']))
    await store.appendEvents([
      { type: 'bounced', atMs: START_MS + 2_000, tenantId: 'tenant-a', messageId: one.messageId, recipientId: one.recipients[1].id, data: { reason: 'userunknown' } },
    ])
    const byMessage = await store.listEvents({ messageId: one.messageId })
    assert.deepEqual(byMessage.events.map((e) => e.type), ['queued', 'queued', 'bounced'])
    assert.deepEqual(byMessage.events[2].data, { reason: 'userunknown' })
    const byRecipient = await store.listEvents({ recipientId: one.recipients[1].id })
    assert.deepEqual(byRecipient.events.map((e) => e.type), ['queued', 'bounced'])
    const since = await store.listEvents({ tenantId: 'tenant-a', sinceMs: START_MS + 1_000 })
    assert.deepEqual(since.events.map((e) => [e.type, e.messageId]), [['queued', two.messageId], ['bounced', one.messageId]])

    const seen: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 10; page++) {
      const result = await store.listEvents({ tenantId: 'tenant-a', afterCursor: cursor, limit: 2 })
      if (result.events.length === 0) {
        assert.equal(result.nextCursor, cursor, 'an empty page keeps the cursor')
        break
      }
      seen.push(...result.events.map((e) => e.id))
      cursor = result.nextCursor
    }
    assert.equal(seen.length, 4)
    assert.equal(new Set(seen).size, 4)
    await store.appendEvents([{ type: 'complained', atMs: START_MS + 3_000, tenantId: 'tenant-a', messageId: two.messageId }])
    const after = await store.listEvents({ tenantId: 'tenant-a', afterCursor: cursor })
    assert.deepEqual(after.events.map((e) => [e.type, e.data]), [['complained', {}]])
  })

  test('keeps a domain check_changed event without a message, listed by its tenant', async (t) => {
    const { store } = await openForTest(t, open)
    const data = { domain: 'example.test', checkId: 'dkim.key:s1', from: 'pass', to: 'fail', summary: 'no key published' }
    await store.appendEvents([{ type: 'check_changed', atMs: START_MS, tenantId: 'tenant-a', data }])
    const page = await store.listEvents({ tenantId: 'tenant-a' })
    assert.deepEqual(page.events.map((e) => [e.type, e.messageId, e.data]), [['check_changed', undefined, data]])
    assert.deepEqual((await store.listEvents({ tenantId: 'tenant-b' })).events, [])
  })

  test('round-trips a sending domain with its RSA and Ed25519 keys, and replaces them on update', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const domain: NewSendingDomain = {
      name: 'Example.TEST',
      tenantId: 'tenant-a',
      dkimKeys: [
        { selector: 's2025r', algorithm: 'rsa-sha256', privateKeyPem: RSA_PEM },
        { selector: 's2025e', algorithm: 'ed25519-sha256', privateKeyPem: ED25519_PEM },
      ],
      bounceDomain: 'bounce.example.test',
      requireTls: true,
    }
    const saved = await store.putDomain(domain)
    assert.equal(saved.name, 'example.test')
    assert.equal(saved.createdAtMs, START_MS)
    const read = await store.getDomain('EXAMPLE.test')
    assert.deepEqual(read, saved)
    assert.deepEqual(new Set(read?.dkimKeys.map((k) => [k.selector, k.algorithm, k.privateKeyPem].join('|'))), new Set([
      `s2025r|rsa-sha256|${RSA_PEM}`, `s2025e|ed25519-sha256|${ED25519_PEM}`,
    ]))
    assert.equal(read?.requireTls, true)
    clock.advance(1_000)
    const updated = await store.putDomain({ ...domain, dkimKeys: [{ selector: 's2026e', algorithm: 'ed25519-sha256', privateKeyPem: ED25519_PEM }], requireTls: false })
    assert.deepEqual(updated.dkimKeys.map((k) => k.selector), ['s2026e'])
    assert.equal(updated.createdAtMs, START_MS)
    assert.equal(updated.updatedAtMs, START_MS + 1_000)
    await store.putDomain({ name: 'other.test', tenantId: 'tenant-b', dkimKeys: [], requireTls: false })
    assert.deepEqual((await store.listDomains()).map((d) => d.name), ['example.test', 'other.test'])
    assert.deepEqual((await store.listDomains('tenant-b')).map((d) => d.name), ['other.test'])
    assert.equal(await store.deleteDomain('example.test'), true)
    assert.equal(await store.deleteDomain('example.test'), false)
    assert.equal(await store.getDomain('example.test'), undefined)
  })

  test('keeps pending and retiring DKIM keys apart from the signing keys, with the retiring key\'s deadline', async (t) => {
    const { store } = await openForTest(t, open)
    const saved = await store.putDomain({
      name: 'rotate.test',
      tenantId: 'tenant-a',
      dkimKeys: [{ selector: 's2026r', algorithm: 'rsa-sha256', privateKeyPem: RSA_PEM }],
      pendingDkimKeys: [{ selector: 's2027e', algorithm: 'ed25519-sha256', privateKeyPem: ED25519_PEM }],
      retiringDkimKeys: [{ selector: 's2025r', algorithm: 'rsa-sha256', privateKeyPem: RSA_PEM, retireAtMs: START_MS + 86_400_000 }],
      requireTls: false,
    })
    assert.deepEqual(saved.dkimKeys.map((k) => k.selector), ['s2026r'])
    assert.deepEqual(saved.pendingDkimKeys?.map((k) => k.selector), ['s2027e'])
    assert.deepEqual(saved.retiringDkimKeys?.map((k) => [k.selector, k.retireAtMs]), [['s2025r', START_MS + 86_400_000]])
    assert.deepEqual(await store.getDomain('rotate.test'), saved)
  })

  test('refuses a DKIM key with an unknown algorithm', async (t) => {
    const { store } = await openForTest(t, open)
    const bad = { name: 'x.test', tenantId: 't', requireTls: false, dkimKeys: [{ selector: 's', algorithm: 'rsa-sha1', privateKeyPem: RSA_PEM }] }
    await assert.rejects(store.putDomain(bad as unknown as NewSendingDomain), { code: STORE_ERRORS.INVALID_INPUT })
    assert.equal(await store.getDomain('x.test'), undefined)
  })

  test('keeps only the hash of an API key token, finds the key by it, and forgets it once revoked', async (t) => {
    const { store, clock } = await openForTest(t, open)
    const created = await store.createApiKey({ tenantId: 'tenant-a', name: 'production', scopes: ['messages:send'] })
    assert.match(created.token, /^tdk_[A-Za-z0-9_-]{43}$/)
    assert.match(hashApiKeyToken(created.token), /^[0-9a-f]{64}$/)
    const found = await store.findApiKeyByTokenHash(hashApiKeyToken(created.token))
    assert.deepEqual(found, created.apiKey)
    assert.equal(await store.findApiKeyByTokenHash(hashApiKeyToken(`${created.token}x`)), undefined)
    clock.advance(1)
    const second = await store.createApiKey({ tenantId: 'tenant-a', name: 'reader', scopes: ['messages:read'] })
    assert.notEqual(second.token, created.token)
    assert.equal(await store.revokeApiKey(created.apiKey.id, START_MS + 5), true)
    assert.equal(await store.revokeApiKey(created.apiKey.id, START_MS + 6), false)
    assert.equal(await store.findApiKeyByTokenHash(hashApiKeyToken(created.token)), undefined)
    const listed = await store.listApiKeys('tenant-a')
    assert.deepEqual(listed.map((k) => [k.name, k.revokedAtMs]), [['production', START_MS + 5], ['reader', undefined]])
  })
}
