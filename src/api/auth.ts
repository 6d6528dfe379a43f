import type { FastifyRequest } from 'fastify'
import { hashApiKeyToken, type ApiKey, type ApiKeyStore } from '../store/index.ts'
import { ApiError } from './api-error.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** set by a route's onRequest hook (`authenticate`) */
    apiKey?: ApiKey
  }
}

/** What a key may do; `queue:read` sees every tenant's queue counts (operators). */
export type ApiScope = 'messages:send' | 'messages:read' | 'queue:read' | 'reports:write' | 'reports:read' | 'domains:read'

const BEARER = /^Bearer\s+(\S+)\s*$/i
/** Longest token we hash; ours are 47 characters. Threat: megabyte "tokens" hashed per request. */
const MAX_TOKEN_LENGTH = 256

/**
 * The API key of a request (`Authorization: Bearer tdk_…`, looked up by its sha256), with
 * the scope the route needs; a 401 or 403 that says what to send otherwise.
 */
export async function authenticate(request: FastifyRequest, store: ApiKeyStore, scope: ApiScope): Promise<ApiKey> {
  const header = request.headers.authorization
  const challenge = { 'www-authenticate': 'Bearer realm="todoku"' }
  if (header === undefined) {
    throw new ApiError(401, 'unauthorized', 'no Authorization header: expected "Authorization: Bearer tdk_…" with an API key', { headers: challenge })
  }
  const token = BEARER.exec(header)?.[1]
  if (token === undefined || token.length > MAX_TOKEN_LENGTH) {
    throw new ApiError(401, 'unauthorized', 'the Authorization header is not a bearer token: expected "Authorization: Bearer tdk_…"', { headers: challenge })
  }
  const key = await store.findApiKeyByTokenHash(hashApiKeyToken(token))
  if (key === undefined) {
    throw new ApiError(401, 'unauthorized', 'the API key is unknown or revoked: expected an active API key of this todoku', { headers: challenge })
  }
  if (!key.scopes.includes(scope)) {
    throw new ApiError(403, 'forbidden', `the API key "${key.name}" lacks the scope ${scope} needed for ${request.method} ${request.routeOptions.url}: expected a key with ${scope}`)
  }
  return key
}

/** The key the route's onRequest hook found; a bug (500) if the route has no such hook. */
export function requireApiKey(request: FastifyRequest): ApiKey {
  if (request.apiKey === undefined) throw new Error(`route ${request.routeOptions.url} has no authentication hook`)
  return request.apiKey
}
