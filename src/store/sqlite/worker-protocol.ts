import { TodokuError } from '../../core/index.ts'
import type { NewMessage } from '../message-store.ts'
import type { Store } from '../store.ts'

/**
 * What the main thread and the store's worker thread say to each other. The main thread
 * sends requests in batches (an array per post); the worker answers each batch's requests
 * once their transaction is committed, in arrays too. Times and ids travel with each request:
 * the worker can't call the Clock and Random ports the store was opened with.
 */

/** A method of the Store, called in the worker. */
export type StoreOperation = Exclude<keyof Store, 'close'>

export interface WorkerRequest {
  /** matches the answer to the caller */
  readonly seq: number
  readonly operation: StoreOperation | 'close'
  readonly args: readonly unknown[]
  /** the Clock's reading when the call was made */
  readonly nowMs: number
  /** fresh ids, as many as `idsNeeded` says the operation takes */
  readonly ids: readonly string[]
}

export type WorkerResponse =
  | { readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly seq: number; readonly ok: false; readonly error: SerializedError }

/** The worker's first message: the database is open and migrated, or why it isn't. */
export interface WorkerOpened {
  readonly opened: true
  readonly error?: SerializedError
}

/** The data folder or file to open, handed to the worker at start. */
export interface WorkerStartData {
  readonly file: string
}

/**
 * Operations that write: they run in the worker's group-commit transaction (each under its
 * own savepoint) and are answered after its COMMIT. The others only read.
 */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set<StoreOperation | 'close'>([
  'insertMessage', 'claimDue', 'recordOutcomes', 'releaseLeases', 'releaseExpiredLeases',
  'appendEvents', 'putDomain', 'deleteDomain', 'createApiKey', 'revokeApiKey',
  'saveDmarcReport', 'saveTlsReport', 'prune',
])

/** How many ids an operation may make: an insert one for the message, and one per recipient and per `queued` event. */
export function idsNeeded(operation: WorkerRequest['operation'], args: readonly unknown[]): number {
  switch (operation) {
    case 'insertMessage':
      return 1 + 2 * (args[0] as NewMessage).recipients.length
    case 'recordOutcomes':
      return (args[1] as readonly unknown[]).length
    case 'appendEvents':
      return (args[0] as readonly unknown[]).length
    case 'createApiKey':
    case 'saveDmarcReport':
    case 'saveTlsReport':
      return 1
    default:
      return 0
  }
}

/** An error as it crosses threads: structured clone keeps an Error's message, not its code or cause. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack?: string
  readonly code?: string
  /** SQLite's result code, on node:sqlite errors */
  readonly errcode?: number
  readonly cause?: SerializedError
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const { code, errcode } = error as { code?: unknown; errcode?: unknown }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined && { stack: error.stack }),
    ...(typeof code === 'string' && { code }),
    ...(typeof errcode === 'number' && { errcode }),
    ...(error.cause !== undefined && depth < 3 && { cause: serializeError(error.cause, depth + 1) }),
  }
}

/** The error again, a TodokuError with its code when it was one; its stack is the worker's. */
export function reviveError(serialized: SerializedError): Error {
  const options = serialized.cause === undefined ? undefined : { cause: reviveError(serialized.cause) }
  let error: Error
  if (serialized.name === 'TodokuError' && serialized.code !== undefined) {
    error = new TodokuError(serialized.code, serialized.message, options)
  } else {
    error = new Error(serialized.message, options)
    error.name = serialized.name
    if (serialized.code !== undefined) Object.assign(error, { code: serialized.code })
  }
  if (serialized.errcode !== undefined) Object.assign(error, { errcode: serialized.errcode })
  if (serialized.stack !== undefined) error.stack = serialized.stack
  return error
}

/**
 * The ArrayBuffers behind the Uint8Arrays in a worker's answers (message contents read from
 * SQLite, each in a buffer of its own), to transfer rather than copy; once each, as a content
 * shared by several claimed groups is the same object.
 */
export function collectTransferables(value: unknown, into: Set<ArrayBuffer>): void {
  if (value instanceof Uint8Array) {
    const buffer = value.buffer
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength) into.add(buffer)
  } else if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null) collectTransferables(item, into)
  } else if (typeof value === 'object' && value !== null) {
    const content = (value as { content?: unknown }).content
    if (content instanceof Uint8Array) collectTransferables(content, into)
  }
}
