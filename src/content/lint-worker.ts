// A lint thread of startLintThreads: lints each message of a batch with the rules it loaded
// once, and answers the batch in one message, giving its buffer back for the next batch.
import { parentPort, workerData } from 'node:worker_threads'
import type { LintOptions } from './checks/check.ts'
import type { Finding } from './finding.ts'
import { lintMessage } from './lint-message.ts'
import { defaultContentRules, loadContentRules } from './rules.ts'

export interface LintWorkerData {
  readonly rulesDir?: string
}

/**
 * Messages in one transferred buffer: first a table of `count` pairs of 32-bit words (the
 * message's length in bytes, the index of its options in `options`), then the messages, one
 * after another. A table in the buffer costs the hand-off nothing to clone, where an object per
 * message cost about a microsecond each way.
 */
export interface LintBatch {
  readonly buffer: ArrayBuffer
  readonly count: number
  /** the distinct options of the batch's messages (usually one) */
  readonly options: readonly LintOptions[]
}

/** The batch's buffer back, and the findings of those of its messages that have some (most have none). */
export interface LintAnswer {
  readonly buffer: ArrayBuffer
  readonly found: readonly (readonly [index: number, findings: Finding[]])[]
}

if (parentPort === null) throw new Error('lint-worker.ts runs as a worker thread of startLintThreads')
const port = parentPort
const { rulesDir } = workerData as LintWorkerData
const rules = rulesDir === undefined ? defaultContentRules() : loadContentRules(rulesDir)

port.on('message', ({ buffer, count, options }: LintBatch) => {
  const table = new Uint32Array(buffer, 0, count * 2)
  const found: [number, Finding[]][] = []
  let offset = count * 8
  for (let index = 0; index < count; index++) {
    const length = table[index * 2]
    const findings = lintMessage(new Uint8Array(buffer, offset, length), options[table[index * 2 + 1]], rules)
    if (findings.length > 0) found.push([index, findings])
    offset += length
  }
  const answer: LintAnswer = { buffer, found }
  port.postMessage(answer, [buffer])
})
