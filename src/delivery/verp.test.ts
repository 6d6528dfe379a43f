import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { createId, createSeededRandom, systemClock } from '../core/index.ts'
import { decodeVerp, encodeVerp } from './verp.ts'

const secret = 'a-test-secret-of-enough-bytes'
const recipientId = createId(systemClock, createSeededRandom(7))

test('encodes a recipient id into a bounce+ address that decodes back to it', () => {
  const address = encodeVerp(recipientId, { bounceDomain: 'Bounces.Example.com', secret })
  assert.match(address, /^bounce\+r[0-9a-z]{26}-[a-z2-7]{16}@bounces\.example\.com$/)
  assert.ok(address.split('@')[0].length <= 64)
  assert.deepEqual(decodeVerp(address, { secret }), { kind: 'recipient', id: recipientId })
})

test('decodes whatever case an MTA turned the address into', () => {
  const address = encodeVerp(recipientId, { bounceDomain: 'b.example', secret })
  assert.deepEqual(decodeVerp(address.toUpperCase(), { secret }), { kind: 'recipient', id: recipientId })
})

test('tells a message token from a recipient token', () => {
  const address = encodeVerp({ kind: 'message', id: recipientId }, { bounceDomain: 'b.example', secret })
  assert.deepEqual(decodeVerp(address, { secret }), { kind: 'message', id: recipientId })
})

test('rejects forged, altered and foreign addresses', () => {
  const address = encodeVerp(recipientId, { bounceDomain: 'b.example', secret })
  const [local, domain] = address.split('@')
  const other = createId(systemClock, createSeededRandom(8))
  assert.equal(decodeVerp(address, { secret: 'another-secret-of-enough-bytes' }), undefined)
  assert.equal(decodeVerp(`${local.replace(recipientId.toLowerCase(), other.toLowerCase())}@${domain}`, { secret }), undefined)
  assert.equal(decodeVerp(`${local.replace('+r', '+m')}@${domain}`, { secret }), undefined)
  assert.equal(decodeVerp(`${local.slice(0, -1)}@${domain}`, { secret }), undefined)
  assert.equal(decodeVerp('postmaster@b.example', { secret }), undefined)
  assert.equal(decodeVerp(`bounce+r${'a'.repeat(5000)}-aaaa@b.example`, { secret }), undefined)
})

test('refuses a secret too short to keep tokens unforgeable', () => {
  assert.throws(() => encodeVerp(recipientId, { bounceDomain: 'b.example', secret: 'short' }), /VERP secret has 5 bytes; expected at least 16/)
})

test('never throws on arbitrary addresses, and accepts none without the MAC', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
    assert.equal(decodeVerp(text, { secret }), undefined)
  }))
})
