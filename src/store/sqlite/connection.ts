import { mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { TodokuError } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'

/** The database file inside a data folder. */
export const DATABASE_FILE_NAME = 'todoku.db'

/**
 * How long a write waits for another connection's write lock (a second process on the same
 * file, a `todoku` CLI command) before failing, rather than failing at once with SQLITE_BUSY.
 */
const BUSY_TIMEOUT_MS = 5_000

/**
 * What every part of the SQLite store shares: the one connection, and where times and ids
 * come from. On the main thread they are the Clock and Random ports; in the store's worker
 * thread (which can't call them) they are the values the main thread sent with each request.
 */
export interface SqliteContext {
  readonly db: DatabaseSync
  /** epoch ms, for created/updated times */
  now(): number
  /** a new `createId` id */
  newId(): string
  /** throws STORE_CLOSED, naming what was being done, once the store is closed */
  assertOpen(doing: string): void
}

/** `:memory:`, a file ending .db/.sqlite/.sqlite3, or a data folder (created) holding todoku.db */
export function resolveDatabasePath(path: string): string {
  if (path === ':memory:') return path
  let isDirectory = false
  try {
    isDirectory = statSync(path).isDirectory()
  } catch {
    isDirectory = !/\.(db|sqlite3?)$/i.test(path)
    if (isDirectory) mkdirSync(path, { recursive: true })
  }
  return isDirectory ? join(path, DATABASE_FILE_NAME) : path
}

/**
 * Open with the settings durability needs: WAL (readers don't block the writer), and
 * `synchronous=FULL`, so the WAL is fsync'd at every commit: a committed message survives a
 * power cut, and a 202 is only given after the commit.
 */
export function openDatabase(file: string): DatabaseSync {
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true })
    if (file !== ':memory:') {
      const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string }
      if (mode.journal_mode.toLowerCase() !== 'wal') throw new Error(`journal_mode is ${mode.journal_mode}, expected wal`)
    }
    db.exec('PRAGMA synchronous = FULL')
    // 32 MB of page cache: the claim index and recent recipients stay in memory.
    db.exec('PRAGMA cache_size = -32768')
    return db
  } catch (cause) {
    db?.close()
    throw new TodokuError(STORE_ERRORS.UNAVAILABLE, `opening the SQLite store at ${file}: ${(cause as Error).message}`, { cause })
  }
}

/**
 * Run `work` in one write transaction (BEGIN IMMEDIATE: take the write lock first, never
 * upgrade); inside a transaction already open (the worker's group commit), under a savepoint
 * that undoes `work` alone when it throws.
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return inSavepoint(db, 'nested_work', work)
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}

/** Run `work` under a savepoint of the open transaction: kept when it returns, undone alone when it throws. */
export function inSavepoint<T>(db: DatabaseSync, name: string, work: () => T): T {
  db.exec(`SAVEPOINT ${name}`)
  try {
    const result = work()
    db.exec(`RELEASE ${name}`)
    return result
  } catch (error) {
    db.exec(`ROLLBACK TO ${name}`)
    db.exec(`RELEASE ${name}`)
    throw error
  }
}

/** SQLITE_CONSTRAINT's primary code: a CHECK, UNIQUE, NOT NULL or foreign key refused a row. */
const SQLITE_CONSTRAINT = 19

/** A constraint failure becomes STORE_INVALID_INPUT (the caller's data); anything else stays as it is. */
export function describeWriteError(doing: string, error: unknown): unknown {
  const errcode = (error as { errcode?: unknown }).errcode
  if (typeof errcode === 'number' && (errcode & 0xff) === SQLITE_CONSTRAINT) {
    return new TodokuError(STORE_ERRORS.INVALID_INPUT, `${doing}: the database refused a row: ${(error as Error).message}`, { cause: error })
  }
  return error
}

/** Prepare each SQL text once per connection. */
export function createStatementCache(db: DatabaseSync): (sql: string) => StatementSync {
  const cache = new Map<string, StatementSync>()
  return (sql) => {
    let statement = cache.get(sql)
    if (statement === undefined) {
      statement = db.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
}
