// VERP return paths (variable envelope return path): each transaction's MAIL FROM names what
// it carried, so an asynchronous bounce to `bounce+<token>@<bounce domain>` says whose
// delivery failed even when the bounce's own text doesn't. The token is HMAC-signed, so a
// forged bounce can't name (and suppress) a recipient of its choosing.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { TodokuError } from '../core/index.ts'

/**
 * What a return path stands for: one recipient (a transaction with one recipient), or a
 * message's transaction with several recipients at one domain, where the bounce's own
 * Final-Recipient then says which of them failed.
 */
export interface VerpTarget {
  readonly kind: 'recipient' | 'message'
  /** the store's id (26 characters of Crockford base32, upper-case) */
  readonly id: string
}

export interface VerpOptions {
  /** the domain bounces come back to (its MX points at todoku's inbound server) */
  readonly bounceDomain: string
  readonly secret: string | Uint8Array
}

/** The local part's fixed start: `bounce+…` (RFC 5233 sub-addressing). */
export const VERP_PREFIX = 'bounce+'

/**
 * Shortest secret accepted, in bytes. Threat: a short or empty secret lets anyone mint valid
 * tokens and forge bounces that suppress arbitrary recipients.
 */
export const MIN_VERP_SECRET_BYTES = 16

/**
 * MAC bytes kept: 80 bits, written as 16 base32 characters. Forging one token takes ~2^79
 * guesses; the local part stays under 64 octets (RFC 5321 §4.5.3.1.1).
 */
const MAC_BYTES = 10
/** Longest id accepted in a token. Threat: a hostile bounce address making us HMAC megabytes. */
const MAX_ID_CHARS = 64
const KIND_CHAR = { recipient: 'r', message: 'm' } as const
/** RFC 4648 base32, lower-case: survives MTAs that lower-case local parts. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** `bounce+r01jd…-k2x…@bounces.example.com` for one recipient (or a message's transaction). */
export function encodeVerp(target: VerpTarget | string, options: VerpOptions): string {
  const { kind, id } = typeof target === 'string' ? { kind: 'recipient' as const, id: target } : target
  const secret = checkSecret(options.secret, 'encoding a VERP return path')
  const lowerId = id.toLowerCase()
  if (!/^[0-9a-z]{1,64}$/.test(lowerId)) {
    throw new TodokuError('VERP_INVALID', `encoding a VERP return path for ${JSON.stringify(id.slice(0, 80))}: expected an id of 1–${MAX_ID_CHARS} letters and digits`)
  }
  const body = KIND_CHAR[kind] + lowerId
  return `${VERP_PREFIX}${body}-${mac(secret, body)}@${options.bounceDomain.toLowerCase()}`
}

/**
 * The target a VERP address stands for, or undefined when it is not one of ours or its MAC
 * does not match. Case-insensitive: MTAs may lower- or upper-case the address.
 */
export function decodeVerp(address: string, options: { readonly secret: string | Uint8Array }): VerpTarget | undefined {
  const secret = checkSecret(options.secret, 'decoding a VERP return path')
  const at = address.lastIndexOf('@')
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase()
  if (!local.startsWith(VERP_PREFIX) || local.length > VERP_PREFIX.length + 2 + MAX_ID_CHARS + 2 * MAC_BYTES) return undefined
  const match = /^([rm])([0-9a-z]{1,64})-([a-z2-7]+)$/.exec(local.slice(VERP_PREFIX.length))
  if (match === null) return undefined
  const [, kindChar, id, given] = match
  const expected = mac(secret, kindChar + id)
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return undefined
  return { kind: kindChar === 'r' ? 'recipient' : 'message', id: id.toUpperCase() }
}

function mac(secret: string | Uint8Array, body: string): string {
  const digest = createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES)
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of digest) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

function checkSecret(secret: string | Uint8Array, doing: string): string | Uint8Array {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : secret.length
  if (bytes < MIN_VERP_SECRET_BYTES) {
    throw new TodokuError('CONFIG_INVALID', `${doing}: the VERP secret has ${bytes} bytes; expected at least ${MIN_VERP_SECRET_BYTES}`)
  }
  return secret
}
