// lintMessage off the event loop. It is synchronous and costs ~20–50 µs for a 10 KB
// newsletter and ~1 ms for a 1 MB message with an archive; on the server's main thread that
// time is taken from every HTTP request and SMTP conversation in flight (and from delivery).
// Here a few worker threads take it instead. Messages asked for in one event-loop turn travel
// to a thread together, copied once into one transferred buffer that the thread gives back
// with its answer: the hand-off then costs the main thread ~4 µs a message in batches of 16,
// where a new buffer per batch (zero-filled, then collected) and an object per message cost ~9.
import { Worker } from 'node:worker_threads'
import { TodokuError } from '../core/index.ts'
import type { LintOptions, SizeThresholds } from './checks/check.ts'
import type { Finding } from './finding.ts'
import { tableBytes, type LintAnswer, type LintBatch } from './lint-batch.ts'
import type { LintWorkerData } from './lint-worker.ts'

const WORKER_URL = new URL('./lint-worker.ts', import.meta.url)

/**
 * Threads that end one after another without an answer in between (rules that do not load, a
 * thread that cannot start) stop being replaced after this many: lint then fails at once with
 * the last failure, instead of threads restarting in a loop.
 */
const MAX_FAILURES_IN_A_ROW = 3

/** A batch is sent at once when its messages reach this size: one large message does not hold up many small ones. */
const MAX_BATCH_BYTES = 2 * 1024 * 1024

export const LINT_THREAD_ERRORS = {
  /** a lint thread ended (a crash, not a finding): the messages it held were not linted */
  THREAD_FAILED: 'CONTENT_LINT_THREAD_FAILED',
  /** lint asked of threads already closed */
  CLOSED: 'CONTENT_LINT_THREADS_CLOSED',
} as const

export interface LintThreadsOptions {
  /** worker threads, at least 1 */
  readonly threads: number
  /** data/content-rules by default */
  readonly rulesDir?: string
}

export interface LintThreads {
  /** lintMessage's findings, worked out on a lint thread */
  lint(message: Uint8Array, options?: LintOptions): Promise<Finding[]>
  /** ends the threads; what they hold is answered first */
  close(): Promise<void>
}

interface Waiting {
  readonly resolve: (findings: Finding[]) => void
  readonly reject: (error: unknown) => void
}

interface LintThread {
  worker: Worker
  /** asked for and not sent yet */
  batch: { message: Uint8Array; options: LintOptions; waiting: Waiting }[]
  batchBytes: number
  isSendScheduled: boolean
  /** the callers of each batch sent and not answered, oldest first: a thread answers its batches in order */
  readonly inFlight: Waiting[][]
  /** messages batched or in flight */
  load: number
  /** buffers the thread gave back, for the next batches: a new one is zero-filled and counted against the heap */
  readonly spare: ArrayBuffer[]
  /** close() waiting for the last answer */
  onIdle?: () => void
}

/** Smallest buffer made for a batch, so that it can carry the next ones too. */
const MIN_BUFFER_BYTES = 256 * 1024
/** Buffers kept for reuse per thread, and the largest kept: one made for a 20 MB message is not held on to. */
const MAX_SPARE_BUFFERS = 4
const MAX_SPARE_BUFFER_BYTES = 2 * MAX_BATCH_BYTES

export function startLintThreads(options: LintThreadsOptions): LintThreads {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`lint threads: expected an integer of at least 1, got ${options.threads}`)
  const workerData: LintWorkerData = options.rulesDir === undefined ? {} : { rulesDir: options.rulesDir }
  let isClosed = false
  let failuresInARow = 0
  let broken: TodokuError | undefined
  const threads: LintThread[] = []
  for (let index = 0; index < options.threads; index++) threads.push(startThread())

  function startThread(): LintThread {
    const thread: LintThread = { worker: new Worker(WORKER_URL, { workerData, name: 'todoku-lint' }), batch: [], batchBytes: 0, isSendScheduled: false, inFlight: [], load: 0, spare: [] }
    // an idle thread does not keep the process alive; one holding messages does, until it answers
    thread.worker.unref()
    thread.worker.on('message', ({ buffer, found }: LintAnswer) => {
      failuresInARow = 0
      const callers = thread.inFlight.shift() ?? []
      if (buffer.byteLength <= MAX_SPARE_BUFFER_BYTES && thread.spare.length < MAX_SPARE_BUFFERS) thread.spare.push(buffer)
      thread.load -= callers.length
      let next = 0
      for (const [index, findings] of found) {
        for (; next < index; next++) callers[next].resolve([])
        callers[next++].resolve(findings)
      }
      for (; next < callers.length; next++) callers[next].resolve([])
      if (thread.load === 0) {
        thread.worker.unref()
        thread.onIdle?.()
      }
    })
    thread.worker.on('error', (error) => fail(thread, `a lint thread failed: ${error.message}`, error))
    thread.worker.on('exit', (code) => fail(thread, `a lint thread exited (code ${code})`))
    return thread
  }

  /** A thread that ended: its callers get an error, and a new thread takes its place. */
  function fail(thread: LintThread, why: string, cause?: unknown): void {
    const index = threads.indexOf(thread)
    if (index === -1) return
    const error = new TodokuError(LINT_THREAD_ERRORS.THREAD_FAILED, `${why}; ${thread.load} message(s) were not linted`, cause === undefined ? undefined : { cause })
    for (const callers of thread.inFlight) for (const waiting of callers) waiting.reject(error)
    for (const { waiting } of thread.batch) waiting.reject(error)
    thread.inFlight.length = 0
    thread.batch = []
    thread.load = 0
    thread.onIdle?.()
    failuresInARow++
    if (!isClosed && failuresInARow >= MAX_FAILURES_IN_A_ROW) {
      broken = new TodokuError(LINT_THREAD_ERRORS.THREAD_FAILED, `${failuresInARow} lint threads in a row ended without an answer, the last: ${why}`, cause === undefined ? undefined : { cause })
    }
    if (isClosed || broken !== undefined) threads.splice(index, 1)
    else threads[index] = startThread()
  }

  function send(thread: LintThread): void {
    thread.isSendScheduled = false
    if (thread.batch.length === 0) return
    const items = thread.batch
    const bytes = tableBytes(items.length) + thread.batchBytes
    thread.batch = []
    thread.batchBytes = 0
    const spareAt = thread.spare.findIndex((spare) => spare.byteLength >= bytes)
    const buffer = spareAt === -1 ? new ArrayBuffer(Math.max(bytes, MIN_BUFFER_BYTES)) : thread.spare.splice(spareAt, 1)[0]
    const table = new Uint32Array(buffer, 0, items.length * 2)
    const content = new Uint8Array(buffer)
    // the distinct options, compared field by field: each call brings its own object
    const options: LintOptions[] = []
    let offset = tableBytes(items.length)
    for (let index = 0; index < items.length; index++) {
      const { message } = items[index]
      let optionsAt = options.findIndex((known) => isSameOptions(known, items[index].options))
      if (optionsAt === -1) optionsAt = options.push(items[index].options) - 1
      table[index * 2] = message.byteLength
      table[index * 2 + 1] = optionsAt
      content.set(message, offset)
      offset += message.byteLength
    }
    thread.inFlight.push(items.map((item) => item.waiting))
    const batch: LintBatch = { buffer, count: items.length, options }
    thread.worker.postMessage(batch, [buffer])
  }

  return {
    lint(message, lintOptions = {}) {
      if (isClosed) return Promise.reject(new TodokuError(LINT_THREAD_ERRORS.CLOSED, 'lint asked after the lint threads were closed'))
      if (broken !== undefined) return Promise.reject(broken)
      let thread = threads[0]
      // the thread holding the fewest messages (sent and not answered, or batched)
      for (const candidate of threads) if (candidate.load < thread.load) thread = candidate
      return new Promise<Finding[]>((resolve, reject) => {
        if (thread.load === 0) thread.worker.ref()
        thread.load++
        thread.batch.push({ message, options: lintOptions, waiting: { resolve, reject } })
        thread.batchBytes += message.byteLength
        if (thread.batchBytes >= MAX_BATCH_BYTES) send(thread)
        else if (!thread.isSendScheduled) {
          thread.isSendScheduled = true
          setImmediate(() => send(thread))
        }
      })
    },
    async close() {
      if (isClosed) return
      isClosed = true
      for (const thread of threads) send(thread)
      await Promise.all(threads.map(async (thread) => {
        if (thread.load > 0) await new Promise<void>((resolve) => { thread.onIdle = resolve })
        await thread.worker.terminate()
      }))
    },
  }
}

/** Whether two calls' options lint alike, so that a batch carries them once. */
function isSameOptions(a: LintOptions, b: LintOptions): boolean {
  if (a === b) return true
  if (a.bulk !== b.bulk || a.advertising !== b.advertising || a.smtpUtf8 !== b.smtpUtf8 || a.lang !== b.lang) return false
  if (a.signingDomains !== b.signingDomains && (a.signingDomains === undefined || b.signingDomains === undefined
    || a.signingDomains.length !== b.signingDomains.length || a.signingDomains.some((domain, index) => domain !== b.signingDomains![index]))) return false
  if (a.sizes === b.sizes) return true
  if (a.sizes === undefined || b.sizes === undefined) return false
  const keys = Object.keys(a.sizes) as (keyof SizeThresholds)[]
  return keys.length === Object.keys(b.sizes).length && keys.every((key) => a.sizes![key] === b.sizes![key])
}
