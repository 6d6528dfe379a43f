// A lint thread of startLintThreads: lints each message of a batch with the rules it loaded
// once, and answers the batch in one message.
import { parentPort, workerData } from 'node:worker_threads'
import type { LintOptions } from './checks/check.ts'
import type { Finding } from './finding.ts'
import { lintMessage } from './lint-message.ts'
import { defaultContentRules, loadContentRules } from './rules.ts'

export interface LintWorkerData {
  readonly rulesDir?: string
}

/** Messages at offsets of one transferred buffer. */
export interface LintBatch {
  readonly buffer: ArrayBuffer
  readonly items: readonly { readonly seq: number; readonly offset: number; readonly length: number; readonly options: LintOptions }[]
}

export interface LintAnswer {
  readonly seq: number
  readonly findings: Finding[]
}

if (parentPort === null) throw new Error('lint-worker.ts runs as a worker thread of startLintThreads')
const port = parentPort
const { rulesDir } = workerData as LintWorkerData
const rules = rulesDir === undefined ? defaultContentRules() : loadContentRules(rulesDir)

port.on('message', ({ buffer, items }: LintBatch) => {
  const answers: LintAnswer[] = items.map(({ seq, offset, length, options }) => ({ seq, findings: lintMessage(new Uint8Array(buffer, offset, length), options, rules) }))
  port.postMessage(answers)
})
