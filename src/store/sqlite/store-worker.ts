// The store's worker thread: it owns the SQLite connection, so its synchronous writes and
// fsyncs block this thread, not the main one (HTTP, SMTP). Requests arrive in batches; all
// that arrive while a commit runs go into the next transaction (group commit), each under a
// savepoint so one failing request is undone and rejected alone; every answer is posted
// after the COMMIT it depends on (synchronous=FULL: on disk).
import type { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'
import { TodokuError } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { NewMessage } from '../message-store.ts'
import { openDatabase, type SqliteContext } from './connection.ts'
import { checkNewMessage, createSqliteMessageStore } from './message-store.ts'
import { migrate } from './schema.ts'
import { createSqliteStoreParts } from './store-parts.ts'
import {
  WRITE_OPERATIONS, collectTransferables, serializeError,
  type StoreOperation, type WorkerOpened, type WorkerRequest, type WorkerResponse, type WorkerStartData,
} from './worker-protocol.ts'

/**
 * Most write requests one transaction takes. 64 concurrent API requests fit in one; past a
 * few hundred a bigger group saves no fsync worth the latency it adds to the first caller.
 */
const MAX_WRITES_PER_COMMIT = 512
/** Commit once the messages of a transaction weigh this much: bounds the WAL growth of one transaction. */
const MAX_BYTES_PER_COMMIT = 32 * 1024 * 1024

if (parentPort === null) throw new Error('store-worker.ts runs as a worker thread of openSqliteStore')
const port = parentPort
const { file } = workerData as WorkerStartData

const db = openAndMigrate(file)
if (db !== undefined) serve(db)

/** The database, open and migrated; or undefined once the failure is posted (the thread then ends: nothing keeps it alive). */
function openAndMigrate(file: string): DatabaseSync | undefined {
  try {
    const db = openDatabase(file)
    try {
      migrate(db, file)
      return db
    } catch (error) {
      db.close()
      if (error instanceof TodokuError) throw error
      throw new TodokuError(STORE_ERRORS.UNAVAILABLE, `migrating the SQLite store at ${file}: ${(error as Error).message}`, { cause: error })
    }
  } catch (error) {
    port.postMessage({ opened: true, error: serializeError(error) } satisfies WorkerOpened)
    port.close()
    return undefined
  }
}

function serve(db: DatabaseSync): void {
  /** The request being run: its time and ids stand in for the main thread's Clock and Random. */
  let current: WorkerRequest = { seq: 0, operation: 'close', args: [], nowMs: 0, ids: [] }
  let nextId = 0
  const context: SqliteContext = {
    db,
    now: () => current.nowMs,
    newId() {
      const id = current.ids[nextId++]
      if (id === undefined) throw new Error(`running ${current.operation} in the store worker: it needed more than the ${current.ids.length} id(s) sent with it`)
      return id
    },
    assertOpen() {},
  }
  const { flushPendingInserts: _unused, writeMessageNow, ...messages } = createSqliteMessageStore(context)
  const operations: Record<StoreOperation, (...args: never[]) => Promise<unknown>> = {
    ...messages,
    async insertMessage(message: NewMessage) {
      checkNewMessage(message)
      return writeMessageNow(message)
    },
    ...createSqliteStoreParts(context),
  }
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const savepoint = db.prepare('SAVEPOINT one_request')
  const release = db.prepare('RELEASE one_request')
  const rollbackTo = db.prepare('ROLLBACK TO one_request')

  let queue: WorkerRequest[] = []
  let isScheduled = false

  port.on('message', (batch: WorkerRequest[]) => {
    for (const request of batch) queue.push(request)
    if (!isScheduled) {
      isScheduled = true
      // after every message already waiting on the port is queued: they share the transaction
      setImmediate(runQueue)
    }
  })
  port.postMessage({ opened: true } satisfies WorkerOpened)

  /** Run what is queued, a transaction per chunk. Only microtasks run between its steps, so nothing arrives meanwhile. */
  async function runQueue(): Promise<void> {
    isScheduled = false
    const requests = queue
    queue = []
    let start = 0
    while (start < requests.length) {
      if (requests[start].operation === 'close') {
        db.close()
        port.postMessage([{ seq: requests[start].seq, ok: true, value: undefined }] satisfies WorkerResponse[])
        port.close()
        return
      }
      let end = start
      let writes = 0
      let bytes = 0
      while (end < requests.length && requests[end].operation !== 'close' && writes < MAX_WRITES_PER_COMMIT && bytes < MAX_BYTES_PER_COMMIT) {
        const request = requests[end++]
        if (WRITE_OPERATIONS.has(request.operation)) writes++
        if (request.operation === 'insertMessage') bytes += (request.args[0] as NewMessage).content.byteLength
      }
      await runChunk(requests.slice(start, end), writes > 0)
      start = end
    }
  }

  async function runChunk(chunk: readonly WorkerRequest[], hasWrites: boolean): Promise<void> {
    let responses: WorkerResponse[] = []
    try {
      if (hasWrites) begin.run()
      for (const request of chunk) responses.push(await runOne(request, hasWrites))
      if (hasWrites) commit.run()
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      const serialized = serializeError(error)
      responses = chunk.map((request) => ({ seq: request.seq, ok: false, error: serialized }))
    }
    const transfer = new Set<ArrayBuffer>()
    for (const response of responses) if (response.ok) collectTransferables(response.value, transfer)
    port.postMessage(responses, [...transfer])
  }

  async function runOne(request: WorkerRequest, inTransaction: boolean): Promise<WorkerResponse> {
    current = request
    nextId = 0
    const operation = operations[request.operation as StoreOperation]
    if (inTransaction) savepoint.run()
    try {
      const value = await operation(...(request.args as never[]))
      if (inTransaction) release.run()
      return { seq: request.seq, ok: true, value }
    } catch (error) {
      if (inTransaction) {
        rollbackTo.run()
        release.run()
      }
      return { seq: request.seq, ok: false, error: serializeError(error) }
    }
  }
}
