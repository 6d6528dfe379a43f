import type { DatabaseSync } from 'node:sqlite'
import { Worker } from 'node:worker_threads'
import { TodokuError, createId, type Clock, type Random } from '../../core/index.ts'
import { STORE_ERRORS } from '../errors.ts'
import type { NewMessage } from '../message-store.ts'
import type { Store } from '../store.ts'
import { createSqliteApiKeyStore } from './api-key-store.ts'
import { openDatabase, type SqliteContext } from './connection.ts'
import { createSqliteDomainStore } from './domain-store.ts'
import { checkNewMessage, createSqliteMessageStore } from './message-store.ts'
import { createSqliteQueueStore } from './queue-store.ts'
import {
  idsNeeded, reviveError,
  type StoreOperation, type WorkerOpened, type WorkerRequest, type WorkerResponse, type WorkerStartData,
} from './worker-protocol.ts'

const WORKER_URL = new URL('./store-worker.ts', import.meta.url)

/**
 * Send the batch at once when its message contents reach this size, rather than at the end
 * of the event-loop turn: bounds the one buffer they are copied into.
 */
const MAX_BATCH_CONTENT_BYTES = 8 * 1024 * 1024

/**
 * Reads answered here, on a read-only connection of this thread, in microseconds: point
 * lookups by key (the API key and sending domain of every API request, a message). In the
 * worker they would wait behind its running commit (3–50 ms). WAL lets this connection read
 * the last commit while the worker writes the next; a caller whose write has resolved reads
 * it here. Reads that scan (counting every recipient, a page of up to 1,000 events) stay in
 * the worker, off this thread.
 */
const READS_ON_THIS_THREAD = [
  'getMessage', 'getMessageContent', 'nextDueAtMs', 'getDomain', 'listDomains', 'findApiKeyByTokenHash', 'listApiKeys',
] as const satisfies readonly StoreOperation[]

const OPERATIONS: readonly StoreOperation[] = [
  'insertMessage', 'getMessage', 'getMessageContent',
  'claimDue', 'recordOutcomes', 'releaseLeases', 'releaseExpiredLeases', 'countRecipientsByState', 'nextDueAtMs',
  'appendEvents', 'listEvents',
  'putDomain', 'getDomain', 'listDomains', 'deleteDomain',
  'createApiKey', 'findApiKeyByTokenHash', 'listApiKeys', 'revokeApiKey',
  'saveDmarcReport', 'listDmarcReports', 'listDmarcRecords', 'saveTlsReport', 'listTlsPolicyResults',
  'prune',
]

interface Waiting {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * The store with its SQLite connection in a worker thread: every method posts a request
 * (with the Clock's time and ids made here from the Random port) and resolves with the
 * worker's answer, after the commit it is part of. Requests made in one event-loop turn
 * travel together; message contents are copied once into one transferred buffer.
 */
export async function openWorkerStore(file: string, clock: Clock, random: Random): Promise<Store> {
  const worker = new Worker(WORKER_URL, { workerData: { file } satisfies WorkerStartData, name: 'todoku-store' })
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number): void => reject(new TodokuError(STORE_ERRORS.UNAVAILABLE, `opening the SQLite store at ${file}: its worker thread exited with code ${code} before opening it`))
    worker.once('error', reject)
    worker.once('exit', onExit)
    worker.once('message', (opened: WorkerOpened) => {
      worker.off('error', reject)
      worker.off('exit', onExit)
      if (opened.error === undefined) resolve()
      else reject(reviveError(opened.error))
    })
  })

  const waiting = new Map<number, Waiting>()
  let nextSeq = 1
  let batch: WorkerRequest[] = []
  let batchContentBytes = 0
  let isSendScheduled = false
  let isClosed = false
  let failure: Error | undefined
  let closing: Promise<void> | undefined
  worker.unref()

  worker.on('message', (responses: WorkerResponse[]) => {
    for (const response of responses) {
      const caller = waiting.get(response.seq)
      if (caller === undefined) continue
      waiting.delete(response.seq)
      if (response.ok) caller.resolve(response.value)
      else caller.reject(reviveError(response.error))
    }
    // an idle store doesn't keep the process alive; a closing one does, until its thread ends
    if (waiting.size === 0 && closing === undefined) worker.unref()
  })
  const fail = (cause: unknown): void => {
    isClosed = true
    failure = new TodokuError(STORE_ERRORS.UNAVAILABLE, `using the SQLite store at ${file}: its worker thread stopped: ${(cause as Error).message ?? cause}`, { cause })
    for (const caller of waiting.values()) caller.reject(failure)
    waiting.clear()
  }
  worker.on('error', fail)
  worker.on('exit', (code) => {
    if (closing === undefined) fail(new Error(`exit code ${code}`))
  })

  function send(): void {
    isSendScheduled = false
    if (batch.length === 0) return
    const requests = batch
    batch = []
    const transfer: ArrayBuffer[] = []
    if (batchContentBytes > 0) transfer.push(packContents(requests, batchContentBytes))
    batchContentBytes = 0
    try {
      worker.postMessage(requests, transfer)
    } catch (error) {
      // an argument that can't cross threads (a function, a class instance): its callers fail, not hang
      for (const request of requests) {
        waiting.get(request.seq)?.reject(new TodokuError(STORE_ERRORS.INVALID_INPUT, `calling ${request.operation}: its arguments can't be sent to the store's thread: ${(error as Error).message}`, { cause: error }))
        waiting.delete(request.seq)
      }
      if (waiting.size === 0 && closing === undefined) worker.unref()
    }
  }

  function call(operation: StoreOperation | 'close', args: unknown[]): Promise<unknown> {
    if (isClosed && operation !== 'close') {
      return Promise.reject(failure ?? new TodokuError(STORE_ERRORS.CLOSED, `calling ${operation}: the store at ${file} is closed`))
    }
    let ids: string[] = []
    try {
      if (operation === 'insertMessage') checkNewMessage(args[0] as NewMessage)
      const idCount = idsNeeded(operation, args)
      if (idCount > 0) ids = Array.from({ length: idCount }, () => createId(clock, random))
    } catch (error) {
      return Promise.reject(error)
    }
    const seq = nextSeq++
    batch.push({ seq, operation, args, nowMs: clock.now(), ids })
    if (operation === 'insertMessage') batchContentBytes += (args[0] as NewMessage).content.byteLength
    return new Promise((resolve, reject) => {
      if (waiting.size === 0) worker.ref()
      waiting.set(seq, { resolve, reject })
      if (batchContentBytes >= MAX_BATCH_CONTENT_BYTES || operation === 'close') send()
      else if (!isSendScheduled) {
        isSendScheduled = true
        setImmediate(send)
      }
    })
  }

  const store = Object.fromEntries(OPERATIONS.map((operation) => [operation, (...args: unknown[]) => call(operation, args)])) as Omit<Store, 'close'>
  let reader: ReturnType<typeof openReader> | undefined
  try {
    reader = file === ':memory:' ? undefined : openReader(file, () => isClosed)
  } catch (error) {
    closing = worker.terminate().then(() => undefined)
    throw error
  }
  return {
    ...store,
    ...reader?.reads,
    close() {
      if (closing !== undefined) return closing
      if (isClosed) return Promise.resolve()
      isClosed = true
      reader?.db.close()
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
      closing = call('close', []).then(
        () => exited,
        (error: unknown) => {
          if (failure === undefined) throw error // the worker is gone already: nothing to close
        },
      )
      return closing
    },
  }
}

/** A second connection, on this thread, that only reads (`query_only`): the store's point lookups. */
function openReader(file: string, isClosed: () => boolean): { db: DatabaseSync; reads: Pick<Store, (typeof READS_ON_THIS_THREAD)[number]> } {
  const db = openDatabase(file)
  db.exec('PRAGMA query_only = 1')
  const context: SqliteContext = {
    db,
    now: () => {
      throw new Error('the store\'s read connection read the clock: only writes do')
    },
    newId: () => {
      throw new Error('the store\'s read connection made an id: only writes do')
    },
    assertOpen(doing) {
      if (isClosed()) throw new TodokuError(STORE_ERRORS.CLOSED, `${doing}: the store at ${file} is closed`)
    },
  }
  const all = {
    ...createSqliteMessageStore(context),
    ...createSqliteQueueStore(context),
    ...createSqliteDomainStore(context),
    ...createSqliteApiKeyStore(context),
  }
  const reads = Object.fromEntries(READS_ON_THIS_THREAD.map((operation) => [operation, all[operation]]))
  return { db, reads: reads as Pick<Store, (typeof READS_ON_THIS_THREAD)[number]> }
}

/**
 * Copy the contents of the batch's inserts into one buffer (to transfer: the worker reads
 * them in place), each message then pointing at its slice. The caller's bytes stay theirs.
 */
function packContents(requests: WorkerRequest[], totalBytes: number): ArrayBuffer {
  const packed = new ArrayBuffer(totalBytes)
  let offset = 0
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i]
    if (request.operation !== 'insertMessage') continue
    const message = request.args[0] as NewMessage
    const content = new Uint8Array(packed, offset, message.content.byteLength)
    content.set(message.content)
    offset += content.byteLength
    requests[i] = { ...request, args: [{ ...message, content }] }
  }
  return packed
}
