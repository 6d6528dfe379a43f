import type { DkimAlgorithm, DomainStore, SendingDomain } from '../domain-store.ts'
import { describeWriteError, inTransaction, type SqliteContext } from './connection.ts'

interface DomainRow {
  name: string
  tenant_id: string
  bounce_domain: string | null
  require_tls: number
  created_at: number
  updated_at: number
}

interface KeyRow {
  domain: string
  selector: string
  algorithm: DkimAlgorithm
  private_key_pem: string
  state: 'active' | 'pending' | 'retiring'
  retire_at: number | null
}

export function createSqliteDomainStore(context: SqliteContext): DomainStore {
  const { db } = context
  const upsert = db.prepare(
    `INSERT INTO sending_domains (name, tenant_id, bounce_domain, require_tls, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET tenant_id = excluded.tenant_id, bounce_domain = excluded.bounce_domain,
       require_tls = excluded.require_tls, updated_at = excluded.updated_at`,
  )
  const deleteKeys = db.prepare('DELETE FROM dkim_keys WHERE domain = ?')
  const insertKey = db.prepare('INSERT INTO dkim_keys (domain, selector, algorithm, private_key_pem, state, retire_at) VALUES (?, ?, ?, ?, ?, ?)')
  const selectDomain = db.prepare('SELECT * FROM sending_domains WHERE name = ?')
  const selectKeys = db.prepare('SELECT * FROM dkim_keys WHERE domain = ? ORDER BY selector')
  const selectAll = db.prepare('SELECT * FROM sending_domains ORDER BY name')
  const selectByTenant = db.prepare('SELECT * FROM sending_domains WHERE tenant_id = ? ORDER BY name')
  const deleteDomain = db.prepare('DELETE FROM sending_domains WHERE name = ?')

  function read(row: DomainRow): SendingDomain {
    const keys = selectKeys.all(row.name) as unknown as KeyRow[]
    const keyOf = (key: KeyRow) => ({ selector: key.selector, algorithm: key.algorithm, privateKeyPem: key.private_key_pem })
    const pending = keys.filter((key) => key.state === 'pending').map(keyOf)
    const retiring = keys.filter((key) => key.state === 'retiring').map((key) => ({ ...keyOf(key), retireAtMs: key.retire_at ?? 0 }))
    return {
      name: row.name,
      tenantId: row.tenant_id,
      dkimKeys: keys.filter((key) => key.state === 'active').map(keyOf),
      ...(pending.length > 0 && { pendingDkimKeys: pending }),
      ...(retiring.length > 0 && { retiringDkimKeys: retiring }),
      ...(row.bounce_domain !== null && { bounceDomain: row.bounce_domain }),
      requireTls: row.require_tls === 1,
      createdAtMs: row.created_at,
      updatedAtMs: row.updated_at,
    }
  }

  return {
    async putDomain(domain) {
      context.assertOpen(`saving sending domain ${domain.name}`)
      const name = domain.name.toLowerCase()
      const nowMs = context.now()
      try {
        return inTransaction(db, () => {
          upsert.run(name, domain.tenantId, domain.bounceDomain?.toLowerCase() ?? null, domain.requireTls ? 1 : 0, nowMs, nowMs)
          deleteKeys.run(name)
          for (const key of domain.dkimKeys) insertKey.run(name, key.selector, key.algorithm, key.privateKeyPem, 'active', null)
          for (const key of domain.pendingDkimKeys ?? []) insertKey.run(name, key.selector, key.algorithm, key.privateKeyPem, 'pending', null)
          for (const key of domain.retiringDkimKeys ?? []) insertKey.run(name, key.selector, key.algorithm, key.privateKeyPem, 'retiring', key.retireAtMs)
          return read(selectDomain.get(name) as unknown as DomainRow)
        })
      } catch (error) {
        throw describeWriteError(`saving sending domain ${name} with ${domain.dkimKeys.length} DKIM key(s)`, error)
      }
    },

    async getDomain(name) {
      context.assertOpen(`reading sending domain ${name}`)
      const row = selectDomain.get(name.toLowerCase()) as DomainRow | undefined
      return row === undefined ? undefined : read(row)
    },

    async listDomains(tenantId) {
      context.assertOpen('listing sending domains')
      const rows = (tenantId === undefined ? selectAll.all() : selectByTenant.all(tenantId)) as unknown as DomainRow[]
      return rows.map(read)
    },

    async deleteDomain(name) {
      context.assertOpen(`deleting sending domain ${name}`)
      return inTransaction(db, () => Number(deleteDomain.run(name.toLowerCase()).changes) > 0)
    },
  }
}
