// What the main thread and a lint thread (lint-worker.ts) send each other: a batch of messages
// in one transferred buffer, and the answer that gives the buffer back.
import type { LintOptions } from './checks/check.ts'
import type { Finding } from './finding.ts'

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

/** Bytes of a batch's table: a length and an options index per message, 32 bits each. */
export function tableBytes(count: number): number {
  return count * 8
}
