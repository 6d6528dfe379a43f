// A lint thread of startLintThreads: lints each message of a batch with the rules it loaded
// once, and answers the batch in one message, giving its buffer back for the next batch.
import { parentPort, workerData } from 'node:worker_threads'
import type { Finding } from './finding.ts'
import { tableBytes, type LintAnswer, type LintBatch } from './lint-batch.ts'
import { lintMessage } from './lint-message.ts'
import { defaultContentRules, loadContentRules } from './rules.ts'

export interface LintWorkerData {
  readonly rulesDir?: string
}

if (parentPort === null) throw new Error('lint-worker.ts runs as a worker thread of startLintThreads')
const port = parentPort
const { rulesDir } = workerData as LintWorkerData
const rules = rulesDir === undefined ? defaultContentRules() : loadContentRules(rulesDir)

port.on('message', ({ buffer, count, options }: LintBatch) => {
  const table = new Uint32Array(buffer, 0, count * 2)
  const found: [number, Finding[]][] = []
  let offset = tableBytes(count)
  for (let index = 0; index < count; index++) {
    const length = table[index * 2]
    const findings = lintMessage(new Uint8Array(buffer, offset, length), options[table[index * 2 + 1]], rules)
    if (findings.length > 0) found.push([index, findings])
    offset += length
  }
  const answer: LintAnswer = { buffer, found }
  port.postMessage(answer, [buffer])
})
