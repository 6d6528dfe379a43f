// lintMessage off the event loop. It is synchronous and costs ~0.1–0.5 ms for a 10 KB
// newsletter and ~10 ms for a 1 MB message with an archive; on the server's main thread that
// time is taken from every HTTP request and SMTP conversation in flight (and from delivery).
// Here a few worker threads take it instead. Messages asked for in one event-loop turn travel
// to a thread together, copied once into one transferred buffer, as the store's worker does.
import { Worker } from 'node:worker_threads'
import { TodokuError } from '../core/index.ts'
import type { LintOptions } from './checks/check.ts'
import type { Finding } from './finding.ts'
import type { LintBatch, LintAnswer, LintWorkerData } from './lint-worker.ts'

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
  batch: { seq: number; message: Uint8Array; options: LintOptions }[]
  batchBytes: number
  isSendScheduled: boolean
  /** seq → caller, for the messages this thread holds */
  readonly waiting: Map<number, Waiting>
  /** close() waiting for the last answer */
  onIdle?: () => void
}

export function startLintThreads(options: LintThreadsOptions): LintThreads {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`lint threads: expected an integer of at least 1, got ${options.threads}`)
  const workerData: LintWorkerData = options.rulesDir === undefined ? {} : { rulesDir: options.rulesDir }
  let nextSeq = 1
  let isClosed = false
  let failuresInARow = 0
  let broken: TodokuError | undefined
  const threads: LintThread[] = []
  for (let index = 0; index < options.threads; index++) threads.push(startThread())

  function startThread(): LintThread {
    const thread: LintThread = { worker: new Worker(WORKER_URL, { workerData, name: 'todoku-lint' }), batch: [], batchBytes: 0, isSendScheduled: false, waiting: new Map() }
    // an idle thread does not keep the process alive; one holding messages does, until it answers
    thread.worker.unref()
    thread.worker.on('message', (answers: readonly LintAnswer[]) => {
      failuresInARow = 0
      for (const answer of answers) {
        const waiting = thread.waiting.get(answer.seq)
        if (waiting === undefined) continue
        thread.waiting.delete(answer.seq)
        waiting.resolve(answer.findings)
      }
      if (thread.waiting.size === 0) {
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
    const error = new TodokuError(LINT_THREAD_ERRORS.THREAD_FAILED, `${why}; ${thread.waiting.size} message(s) were not linted`, cause === undefined ? undefined : { cause })
    for (const waiting of thread.waiting.values()) waiting.reject(error)
    thread.waiting.clear()
    thread.batch = []
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
    thread.batch = []
    thread.batchBytes = 0
    const buffer = new ArrayBuffer(items.reduce((sum, item) => sum + item.message.byteLength, 0))
    const bytes = new Uint8Array(buffer)
    let offset = 0
    const batch: LintBatch = {
      buffer,
      items: items.map(({ seq, message, options }) => {
        bytes.set(message, offset)
        offset += message.byteLength
        return { seq, offset: offset - message.byteLength, length: message.byteLength, options }
      }),
    }
    thread.worker.postMessage(batch, [buffer])
  }

  return {
    lint(message, lintOptions = {}) {
      if (isClosed) return Promise.reject(new TodokuError(LINT_THREAD_ERRORS.CLOSED, 'lint asked after the lint threads were closed'))
      if (broken !== undefined) return Promise.reject(broken)
      let thread = threads[0]
      // the thread holding the fewest messages (sent and not answered, or batched)
      for (const candidate of threads) if (candidate.waiting.size < thread.waiting.size) thread = candidate
      const seq = nextSeq++
      return new Promise<Finding[]>((resolve, reject) => {
        if (thread.waiting.size === 0) thread.worker.ref()
        thread.waiting.set(seq, { resolve, reject })
        thread.batch.push({ seq, message, options: lintOptions })
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
        if (thread.waiting.size > 0) await new Promise<void>((resolve) => { thread.onIdle = resolve })
        await thread.worker.terminate()
      }))
    },
  }
}
