import { createApiKeyToken, hashApiKeyToken, type ApiKey, type ApiKeyStore } from '../api-key-store.ts'
import { describeWriteError, inTransaction, type SqliteContext } from './connection.ts'

interface ApiKeyRow {
  id: string
  tenant_id: string
  name: string
  scopes: string
  created_at: number
  revoked_at: number | null
}

export function createSqliteApiKeyStore(context: SqliteContext): ApiKeyStore {
  const { db } = context
  const insert = db.prepare('INSERT INTO api_keys (id, tenant_id, name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
  const selectActiveByHash = db.prepare('SELECT * FROM api_keys WHERE token_hash = ? AND revoked_at IS NULL')
  const selectByTenant = db.prepare('SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, rowid')
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')

  return {
    async createApiKey(key) {
      context.assertOpen(`creating API key ${JSON.stringify(key.name)} for tenant ${key.tenantId}`)
      const token = createApiKeyToken()
      const apiKey: ApiKey = { id: context.newId(), tenantId: key.tenantId, name: key.name, scopes: [...key.scopes], createdAtMs: context.now() }
      try {
        inTransaction(db, () => insert.run(apiKey.id, apiKey.tenantId, apiKey.name, hashApiKeyToken(token), JSON.stringify(apiKey.scopes), apiKey.createdAtMs))
      } catch (error) {
        throw describeWriteError(`creating API key ${JSON.stringify(key.name)} for tenant ${key.tenantId}`, error)
      }
      return { apiKey, token }
    },

    async findApiKeyByTokenHash(tokenHash) {
      context.assertOpen('looking up an API key')
      const row = selectActiveByHash.get(tokenHash) as ApiKeyRow | undefined
      return row === undefined ? undefined : toApiKey(row)
    },

    async listApiKeys(tenantId) {
      context.assertOpen(`listing the API keys of tenant ${tenantId}`)
      return (selectByTenant.all(tenantId) as unknown as ApiKeyRow[]).map(toApiKey)
    },

    async revokeApiKey(id, nowMs) {
      context.assertOpen(`revoking API key ${id}`)
      return inTransaction(db, () => Number(revoke.run(nowMs, id).changes) > 0)
    },
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    createdAtMs: row.created_at,
    ...(row.revoked_at !== null && { revokedAtMs: row.revoked_at }),
  }
}
