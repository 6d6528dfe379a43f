import { createHash, randomBytes } from 'node:crypto'

export interface ApiKey {
  readonly id: string
  readonly tenantId: string
  /** a label for people ('production sender') */
  readonly name: string
  /** what the key may do ('messages:send', 'messages:read', 'domains:write'…) */
  readonly scopes: readonly string[]
  readonly createdAtMs: number
  readonly revokedAtMs?: number
}

export interface NewApiKey {
  readonly tenantId: string
  readonly name: string
  readonly scopes: readonly string[]
}

export interface CreatedApiKey {
  readonly apiKey: ApiKey
  /** the secret, shown once: only its sha256 is stored */
  readonly token: string
}

/** API keys, hashed at rest: a stolen database gives no usable key. */
export interface ApiKeyStore {
  createApiKey(key: NewApiKey): Promise<CreatedApiKey>
  /** the key a token hash belongs to, if it exists and is not revoked */
  findApiKeyByTokenHash(tokenHash: string): Promise<ApiKey | undefined>
  /** a tenant's keys, revoked ones included, oldest first */
  listApiKeys(tenantId: string): Promise<ApiKey[]>
  /** true when an active key was revoked now */
  revokeApiKey(id: string, nowMs: number): Promise<boolean>
}

/** Marks todoku tokens, so secret scanners can find one pasted where it shouldn't be. */
const TOKEN_PREFIX = 'tdk_'
/** 256 bits: not guessable, and a plain (unsalted) sha256 is enough to store it. */
const TOKEN_BYTES = 32

/**
 * A new API token: `tdk_` + 32 random bytes in base64url. From the system's CSPRNG, not the
 * Random port: a token must not be reproducible, even in tests.
 */
export function createApiKeyToken(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url')
}

/** sha256 of the token, hex: what the store keeps and looks up. */
export function hashApiKeyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
