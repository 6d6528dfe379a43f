import assert from 'node:assert/strict'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { createManualClock } from '../core/index.ts'
import { dkimDnsRecord, dkimSelector, dkimTxtStrings, generateDkimKeys, loadDkimSigner, type DkimKeys } from './keys.ts'

const clock = createManualClock(Date.UTC(2025, 10, 30, 23, 59, 59))
let keys: DkimKeys

before(async () => {
  keys = await generateDkimKeys('Mail.Example.test', { clock })
})

describe('generateDkimKeys', () => {
  it('names the selectors td<yyyymm>r and td<yyyymm>e after the UTC month of the clock', () => {
    assert.deepEqual([keys.rsa.selector, keys.ed25519.selector], ['td202511r', 'td202511e'])
  })

  it('gives the DNS name of each record under _domainkey of the lower-cased domain', () => {
    assert.equal(keys.rsa.dnsName, 'td202511r._domainkey.mail.example.test')
    assert.equal(keys.ed25519.dnsName, 'td202511e._domainkey.mail.example.test')
  })

  it('makes a 2048-bit RSA key published as its SPKI in base64', () => {
    const signer = loadDkimSigner(keys.rsa.privateKeyPem, 'mail.example.test', keys.rsa.selector)
    assert.equal(signer.privateKey.asymmetricKeyDetails?.modulusLength, 2048)
    const p = keys.rsa.publicKeyDnsRecord.match(/^v=DKIM1; k=rsa; p=([A-Za-z0-9+/=]+)$/)?.[1]
    assert.ok(p)
    const published = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' })
    assert.ok(published.equals(createPublicKey(signer.privateKey)))
  })

  it('publishes the Ed25519 key as its raw 32 bytes (RFC 8463 §4), not as SPKI', () => {
    const p = keys.ed25519.publicKeyDnsRecord.match(/^v=DKIM1; k=ed25519; p=([A-Za-z0-9+/=]+)$/)?.[1]
    assert.equal(Buffer.from(p ?? '', 'base64').length, 32)
  })

  it('refuses an RSA size outside 1024 to 4096 bits', async () => {
    await assert.rejects(generateDkimKeys('example.test', { clock, rsaBits: 512 }), { code: 'DKIM_ARGUMENT_INVALID' })
  })
})

describe('dkimSelector', () => {
  it('pads the month and takes the UTC date', () => {
    assert.equal(dkimSelector('rsa-sha256', Date.UTC(2026, 0, 1)), 'td202601r')
    assert.equal(dkimSelector('ed25519-sha256', Date.UTC(2025, 11, 31, 23, 59)), 'td202512e')
  })
})

describe('dkimTxtStrings', () => {
  it('splits an RSA-2048 record into DNS character-strings of at most 255 bytes that join back', () => {
    const strings = dkimTxtStrings(keys.rsa.publicKeyDnsRecord)
    assert.ok(strings.length >= 2 && strings.every((part) => part.length <= 255))
    assert.equal(strings.join(''), keys.rsa.publicKeyDnsRecord)
  })
})

describe('dkimDnsRecord', () => {
  it('gives the same record for a private key PEM as for its public key', () => {
    const publicKey = createPublicKey(keys.ed25519.privateKeyPem)
    assert.equal(dkimDnsRecord(keys.ed25519.privateKeyPem), dkimDnsRecord(publicKey))
  })

  it('refuses an EC key with DKIM_KEY_UNSUPPORTED', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    assert.throws(() => dkimDnsRecord(publicKey), { code: 'DKIM_KEY_UNSUPPORTED' })
  })
})

describe('loadDkimSigner', () => {
  it('takes the algorithm from the key type', () => {
    assert.equal(loadDkimSigner(keys.rsa.privateKeyPem, 'example.test', 's').algorithm, 'rsa-sha256')
    assert.equal(loadDkimSigner(keys.ed25519.privateKeyPem, 'example.test', 's').algorithm, 'ed25519-sha256')
  })

  it('reads a PKCS#1 RSA PEM as well as PKCS#8', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
    assert.equal(loadDkimSigner(pkcs1, 'example.test', 's').algorithm, 'rsa-sha256')
  })

  it('turns an internationalized domain into its A-label and lower-cases it', () => {
    assert.equal(loadDkimSigner(keys.ed25519.privateKeyPem, '例え.JP', 's').domain, 'xn--r8jz45g.jp')
  })

  it('refuses what is not a private key PEM with DKIM_KEY_INVALID', () => {
    assert.throws(() => loadDkimSigner('-----BEGIN NONSENSE-----', 'example.test', 's'), { code: 'DKIM_KEY_INVALID', message: /example\.test \(selector s\)/ })
  })

  it('refuses an EC key and a 512-bit RSA key with DKIM_KEY_UNSUPPORTED', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const weak = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    assert.throws(() => loadDkimSigner(ec, 'example.test', 's'), { code: 'DKIM_KEY_UNSUPPORTED' })
    assert.throws(() => loadDkimSigner(weak, 'example.test', 's'), { code: 'DKIM_KEY_UNSUPPORTED', message: /512 bits/ })
  })

  it('refuses a selector that is not a DNS label sequence with DKIM_SIGNER_INVALID', () => {
    assert.throws(() => loadDkimSigner(keys.ed25519.privateKeyPem, 'example.test', 'bad selector'), { code: 'DKIM_SIGNER_INVALID' })
  })
})
