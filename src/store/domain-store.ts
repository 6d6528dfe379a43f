/** DKIM signing algorithms todoku signs with (RFC 6376, RFC 8463). */
export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256'

export const DKIM_ALGORITHMS: readonly DkimAlgorithm[] = ['rsa-sha256', 'ed25519-sha256']

export interface DkimKey {
  /** the `s=` selector; its public key is published at `<selector>._domainkey.<domain>` */
  readonly selector: string
  readonly algorithm: DkimAlgorithm
  /** PKCS#8 PEM. Stored as given: protect the data folder like a key file. */
  readonly privateKeyPem: string
}

/** A replaced key, kept published for mail still in flight or in queues, until `retireAtMs`. */
export interface RetiringDkimKey extends DkimKey {
  readonly retireAtMs: number
}

export interface NewSendingDomain {
  /** the domain name, stored lower-cased */
  readonly name: string
  readonly tenantId: string
  /** the signing keys, one per selector; both an RSA and an Ed25519 key sign every message */
  readonly dkimKeys: readonly DkimKey[]
  /**
   * keys made by a rotation (`todoku domain rotate-keys`): published, checked, not signing
   * until activated. Absent when there are none.
   */
  readonly pendingDkimKeys?: readonly DkimKey[]
  /** keys a rotation replaced: no longer signing, their DNS records kept until `retireAtMs`. Absent when there are none. */
  readonly retiringDkimKeys?: readonly RetiringDkimKey[]
  /** where VERP bounces go (`bounce+<token>@<bounceDomain>`); default: the domain itself */
  readonly bounceDomain?: string
  /** refuse to deliver without STARTTLS, whatever the receiver's MTA-STS says */
  readonly requireTls: boolean
}

export interface SendingDomain extends NewSendingDomain {
  readonly createdAtMs: number
  readonly updatedAtMs: number
}

/** Sending domains and their keys. */
export interface DomainStore {
  /** create or replace (keys included) a sending domain */
  putDomain(domain: NewSendingDomain): Promise<SendingDomain>
  getDomain(name: string): Promise<SendingDomain | undefined>
  /** all domains, or a tenant's; sorted by name */
  listDomains(tenantId?: string): Promise<SendingDomain[]>
  /** true when there was one to delete */
  deleteDomain(name: string): Promise<boolean>
}
