// DKIM keys at the edge: making key pairs, reading a stored PEM into a signer, and the DNS TXT
// record that publishes the public half. Keys travel as PEM strings so the store can keep them.
//
// Selectors: `td<yyyymm>r` for RSA and `td<yyyymm>e` for Ed25519 (`td202511r`): "td" for todoku,
// the month the key was made (UTC), the algorithm's letter. Dated selectors let a domain rotate to
// a new key by publishing the next month's record beside the old one, and tell at a glance how old
// a key is and which of a pair is which; one letter keeps the pair apart in the same month.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { domainToASCII } from 'node:url'
import { promisify } from 'node:util'
import { systemClock, TodokuError, type Clock } from '../core/index.ts'
import { DKIM_ERRORS } from './errors.ts'
import { checkSigner, DkimAlgorithm, MIN_RSA_BITS, type DkimSigner } from './sign.ts'

const generateKeyPairAsync = promisify(generateKeyPair)

/** RSA modulus we make keys with: RFC 8301 §3.2 recommends 2048; receivers accept up to 4096. */
export const DEFAULT_RSA_BITS = 2048
/** Largest RSA key we make: DNS answers past 4096-bit keys no longer fit in the TXT records receivers fetch. */
const MAX_RSA_BITS = 4096
/** A DNS TXT character-string holds at most 255 bytes (RFC 1035 §3.3); longer records are split. */
const TXT_STRING_MAX_CHARS = 255

/** One generated key: where it is published, what to publish, and the private half to store. */
export interface DkimKeyMaterial {
  readonly algorithm: DkimAlgorithm
  readonly selector: string
  /** the name to publish the record at: `<selector>._domainkey.<domain>` */
  readonly dnsName: string
  /** PKCS#8 PEM of the private key */
  readonly privateKeyPem: string
  /** the TXT record's value: `v=DKIM1; k=rsa; p=MIIBIjANBg…` */
  readonly publicKeyDnsRecord: string
}

/** A sending domain's key pair: RSA-2048 for every receiver, Ed25519 beside it (RFC 8463). */
export interface DkimKeys {
  readonly rsa: DkimKeyMaterial
  readonly ed25519: DkimKeyMaterial
}

export interface GenerateDkimKeysOptions {
  /** the month in the selectors comes from it; the system clock when absent */
  readonly clock?: Clock
  /** RSA modulus bits, DEFAULT_RSA_BITS when absent */
  readonly rsaBits?: number
}

/**
 * Make an RSA and an Ed25519 key for `domain`, with this month's selectors. RSA key generation
 * takes 50–500 ms of CPU, so it runs on the thread pool (async), never on the event loop.
 */
export async function generateDkimKeys(domain: string, options?: GenerateDkimKeysOptions): Promise<DkimKeys> {
  const rsaBits = options?.rsaBits ?? DEFAULT_RSA_BITS
  if (!(Number.isSafeInteger(rsaBits) && rsaBits >= MIN_RSA_BITS && rsaBits <= MAX_RSA_BITS)) {
    throw new TodokuError(DKIM_ERRORS.ARGUMENT_INVALID, `generating DKIM keys for ${domain}: rsaBits ${rsaBits}: expected an integer from ${MIN_RSA_BITS} to ${MAX_RSA_BITS}`)
  }
  const now = (options?.clock ?? systemClock).now()
  const [rsa, ed25519] = await Promise.all([
    generateKeyPairAsync('rsa', { modulusLength: rsaBits }),
    generateKeyPairAsync('ed25519'),
  ])
  const material = (algorithm: DkimAlgorithm, privateKey: KeyObject, publicKey: KeyObject): DkimKeyMaterial => {
    const selector = dkimSelector(algorithm, now)
    // Loading the PEM back checks the domain and selector as a signer would, before anyone publishes them.
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const signer = loadDkimSigner(privateKeyPem, domain, selector)
    return { algorithm, selector, dnsName: dkimDnsName(signer.domain, selector), privateKeyPem, publicKeyDnsRecord: dkimDnsRecord(publicKey) }
  }
  return {
    rsa: material('rsa-sha256', rsa.privateKey, rsa.publicKey),
    ed25519: material('ed25519-sha256', ed25519.privateKey, ed25519.publicKey),
  }
}

/** The selector for a key made at `epochMs`: `td202511r` (RSA), `td202511e` (Ed25519), UTC month. */
export function dkimSelector(algorithm: DkimAlgorithm, epochMs: number): string {
  const date = new Date(epochMs)
  const month = String(date.getUTCMonth() + 1).padStart(2, '0')
  return `td${date.getUTCFullYear()}${month}${algorithm === 'rsa-sha256' ? 'r' : 'e'}`
}

/** Where a selector's record lives: `td202511r._domainkey.example.com`. */
export function dkimDnsName(domain: string, selector: string): string {
  return `${selector}._domainkey.${domain}`
}

/**
 * The DKIM key record (RFC 6376 §3.6.1) for a public key, or for the public half of a private
 * key or PEM. RSA: `p=` is the DER SubjectPublicKeyInfo in base64. Ed25519: `p=` is the raw
 * 32-byte key in base64 (RFC 8463 §4), not the SPKI.
 */
export function dkimDnsRecord(key: KeyObject | string): string {
  const publicKey = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key)
  if (publicKey.asymmetricKeyType === 'rsa') {
    return `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`
  }
  if (publicKey.asymmetricKeyType === 'ed25519') {
    const jwk = publicKey.export({ format: 'jwk' })
    return `v=DKIM1; k=ed25519; p=${Buffer.from(jwk.x ?? '', 'base64url').toString('base64')}`
  }
  throw new TodokuError(DKIM_ERRORS.KEY_UNSUPPORTED, `making a DKIM DNS record: a ${publicKey.asymmetricKeyType} key; expected rsa or ed25519`)
}

/**
 * A TXT record value as DNS character-strings of at most 255 bytes each (an RSA-2048 record is
 * ~410): what a zone file or a DNS provider's API wants; receivers join the strings back.
 */
export function dkimTxtStrings(record: string): string[] {
  const strings: string[] = []
  for (let i = 0; i < record.length; i += TXT_STRING_MAX_CHARS) strings.push(record.slice(i, i + TXT_STRING_MAX_CHARS))
  return strings
}

/**
 * A signer from a stored private key PEM (PKCS#8 or PKCS#1 RSA): the algorithm follows the key
 * type. The domain is lower-cased and IDNs become A-labels. Parse once and keep the signer: the
 * key is parsed here, not per message.
 */
export function loadDkimSigner(pem: string, domain: string, selector: string): DkimSigner {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch (error) {
    throw new TodokuError(DKIM_ERRORS.KEY_INVALID, `loading the DKIM key for ${domain} (selector ${selector}): not a readable unencrypted private key PEM; expected PKCS#8 or PKCS#1`, { cause: error })
  }
  const keyType = privateKey.asymmetricKeyType
  if (keyType !== 'rsa' && keyType !== 'ed25519') {
    throw new TodokuError(DKIM_ERRORS.KEY_UNSUPPORTED, `loading the DKIM key for ${domain} (selector ${selector}): a ${keyType} key; expected rsa (rsa-sha256) or ed25519 (ed25519-sha256)`)
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0
  if (keyType === 'rsa' && bits < MIN_RSA_BITS) {
    throw new TodokuError(DKIM_ERRORS.KEY_UNSUPPORTED, `loading the DKIM key for ${domain} (selector ${selector}): RSA key of ${bits} bits; expected at least ${MIN_RSA_BITS} (RFC 8301), 2048 recommended`)
  }
  const signer: DkimSigner = {
    domain: domainToAsciiLower(domain),
    selector: selector.toLowerCase(),
    algorithm: keyType === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
    privateKey,
  }
  checkSigner(signer)
  return signer
}

/** `Example.COM` → `example.com`, `例え.jp` → `xn--r8jz45g.jp`; anything else stays for checkSigner to reject. */
function domainToAsciiLower(domain: string): string {
  const ascii = domainToASCII(domain)
  return ascii === '' ? domain : ascii
}
