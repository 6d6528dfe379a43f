// RFC 8463 Appendix A, the published worked example (../shared/corpus/dkim/rfc8463-appendix-a):
// our canonicalization must reproduce the bytes its two signatures cover, our signer must make the
// same Ed25519 signature from the same key (Ed25519 is deterministic), and a message we sign with
// the RFC's key must verify with mailauth against the RFC's DNS record.
import assert from 'node:assert/strict'
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import { createManualClock } from '../core/index.ts'
import { canonicalizeHeaderField, computeBodyHash } from './canonicalize.ts'
import { dkimDnsRecord } from './keys.ts'
import { splitMessage, type HeaderField } from './message-header.ts'
import { signMessage, type DkimSigner } from './sign.ts'

const VECTOR = fileURLToPath(new URL('../../../shared/corpus/dkim/rfc8463-appendix-a/', import.meta.url))
const present = existsSync(`${VECTOR}signed.eml`)
const skip = present ? false : `RFC 8463 vector not found at ${VECTOR} (the shared corpus is not beside this checkout)`

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410 §7): the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

interface Vector {
  readonly message: Buffer
  readonly dns: Record<string, { TXT: string[][] }>
  readonly seedBase64: string
}

const load = (): Vector => ({
  message: readFileSync(`${VECTOR}signed.eml`),
  dns: JSON.parse(readFileSync(`${VECTOR}dns.json`, 'utf8')),
  seedBase64: JSON.parse(readFileSync(`${VECTOR}keys.json`, 'utf8')).ed25519.privateSeedBase64,
})

const unfoldedTag = (field: string, name: string): string =>
  field.replace(/\r?\n[ \t]+/g, ' ').match(new RegExp(`[; ]${name}=([^;]*)`))?.[1].replace(/[ \t]/g, '') ?? ''

/** The bytes a verifier hashes for one signature field (RFC 6376 §3.7): the h= fields, bottom-up, then the field itself without b=. */
function signedData(fields: readonly HeaderField[], signatureField: string): Buffer {
  const used = new Set<number>()
  let data = ''
  for (const name of unfoldedTag(signatureField, 'h').toLowerCase().split(':')) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (fields[i].name !== name || used.has(i)) continue
      used.add(i)
      data += canonicalizeHeaderField(fields[i].text, 'relaxed') + '\r\n'
      break
    }
  }
  return Buffer.from(data + canonicalizeHeaderField(signatureField, 'relaxed').replace(/([; ]b=)[^;]*/, '$1'), 'latin1')
}

const mailauthResolver = (dns: Vector['dns']) => async (name: string, rrtype: string) => {
  const records = dns[name]?.[rrtype as 'TXT']
  if (records) return records
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' })
}

describe('RFC 8463 Appendix A', { skip }, () => {
  it('gives the published body hash', () => {
    const { message } = load()
    assert.equal(computeBodyHash(splitMessage(message).body, 'relaxed').bodyHash, '2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=')
  })

  it('canonicalizes the header fields into the bytes both published signatures cover', () => {
    const { message, dns } = load()
    const { fields } = splitMessage(message)
    const [ed25519Field, rsaField] = fields.filter((field) => field.name === 'dkim-signature').map((field) => field.text)
    const edKey = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(unfoldedTag(`;${dns['brisbane._domainkey.football.example.com'].TXT[0][0]}`, 'p'), 'base64')]),
      format: 'der',
      type: 'spki',
    })
    const rsaKey = createPublicKey({ key: Buffer.from(unfoldedTag(`;${dns['test._domainkey.football.example.com'].TXT[0][0]}`, 'p'), 'base64'), format: 'der', type: 'spki' })
    const edData = createHash('sha256').update(signedData(fields, ed25519Field)).digest()
    assert.ok(verify(null, edData, edKey, Buffer.from(unfoldedTag(ed25519Field, 'b'), 'base64')), 'Ed25519 signature over our canonical bytes')
    assert.ok(verify('sha256', signedData(fields, rsaField), rsaKey, Buffer.from(unfoldedTag(rsaField, 'b'), 'base64')), 'RSA signature over our canonical bytes')
  })

  it('makes the published Ed25519 signature from the published seed, byte for byte', () => {
    const { message, seedBase64 } = load()
    const { fields } = splitMessage(message)
    const ed25519Field = fields.find((field) => field.name === 'dkim-signature')?.text ?? ''
    const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedBase64, 'base64')]), format: 'der', type: 'pkcs8' })
    const signature = sign(null, createHash('sha256').update(signedData(fields, ed25519Field)).digest(), privateKey)
    assert.equal(signature.toString('base64'), unfoldedTag(ed25519Field, 'b'))
  })

  it('derives the published DNS record from the published seed', () => {
    const { dns, seedBase64 } = load()
    const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedBase64, 'base64')]), format: 'der', type: 'pkcs8' })
    assert.equal(dkimDnsRecord(privateKey), dns['brisbane._domainkey.football.example.com'].TXT[0][0])
  })

  it('passes both published signatures through mailauth (the harness itself is sound)', async () => {
    const { message, dns } = load()
    const result = await dkimVerify(message, { resolver: mailauthResolver(dns), curTime: new Date('2018-06-10T13:40:00Z') } as Parameters<typeof dkimVerify>[1])
    assert.deepEqual(result.results.map((entry: { status: { result: string } }) => entry.status.result), ['pass', 'pass'])
  })

  it('signs the example message with the RFC key so that mailauth passes it against the RFC record', async () => {
    const { message, dns, seedBase64 } = load()
    const unsigned = message.subarray(message.indexOf('From: '))
    const signer: DkimSigner = {
      domain: 'football.example.com',
      selector: 'brisbane',
      algorithm: 'ed25519-sha256',
      privateKey: createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedBase64, 'base64')]), format: 'der', type: 'pkcs8' }),
    }
    const clock = createManualClock(1528637909_000)
    const signed = Buffer.from(signMessage(unsigned, [signer], { clock }))
    assert.match(signed.toString('latin1'), /bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;/)
    const result = await dkimVerify(signed, { resolver: mailauthResolver(dns), curTime: new Date('2018-06-10T13:40:00Z') } as Parameters<typeof dkimVerify>[1])
    assert.deepEqual(result.results.map((entry: { status: { result: string } }) => entry.status.result), ['pass'])
  })
})
