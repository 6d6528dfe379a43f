// What delivery needs of a sending domain — its DKIM signers (parsed once), its bounce domain,
// whether it requires TLS — read from the DomainStore and kept for a short while, so a key
// rotation or a new require-TLS setting is seen within `ttlMs` without a look-up per message.
import type { Clock } from '../core/index.ts'
import { loadDkimSigner, type DkimSigner } from '../dkim/index.ts'
import type { DomainStore } from '../store/index.ts'

export interface SendingDomainPolicy {
  readonly name: string
  /** empty when the domain has no keys (or is not configured): the message goes unsigned */
  readonly signers: readonly DkimSigner[]
  /** where VERP bounces go: the domain's bounce domain, or the domain itself */
  readonly bounceDomain: string
  readonly requireTls: boolean
}

export interface SendingDomainCache {
  /** throws when a stored key does not load (the caller defers the mail: unsigned mail would fail DMARC) */
  policyFor(domain: string): Promise<SendingDomainPolicy>
}

export function createSendingDomainCache(options: { store: DomainStore; clock: Clock; ttlMs: number }): SendingDomainCache {
  const { store, clock, ttlMs } = options
  const entries = new Map<string, { expiresAtMs: number; policy: Promise<SendingDomainPolicy> }>()

  async function load(name: string): Promise<SendingDomainPolicy> {
    const domain = await store.getDomain(name)
    if (domain === undefined) return { name, signers: [], bounceDomain: name, requireTls: false }
    // RSA first, then Ed25519: receivers that don't know Ed25519 (RFC 8463) still find an RSA
    // signature they can check (signMessage puts them in this order).
    const keys = [...domain.dkimKeys].sort((a, b) => (a.algorithm === b.algorithm ? 0 : a.algorithm === 'rsa-sha256' ? -1 : 1))
    return {
      name: domain.name,
      signers: keys.map((key) => loadDkimSigner(key.privateKeyPem, domain.name, key.selector)),
      bounceDomain: domain.bounceDomain ?? domain.name,
      requireTls: domain.requireTls,
    }
  }

  return {
    policyFor(domain) {
      const name = domain.toLowerCase()
      const entry = entries.get(name)
      if (entry !== undefined && entry.expiresAtMs > clock.now()) return entry.policy
      const policy = load(name)
      entries.set(name, { expiresAtMs: clock.now() + ttlMs, policy })
      policy.catch(() => {
        if (entries.get(name)?.policy === policy) entries.delete(name)
      })
      return policy
    },
  }
}
