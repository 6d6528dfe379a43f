// The preflight as injection runs it: the pure checks (on lint threads when asked for, off
// the event loop, for all but small messages), then the configured scanners (each with its own
// timeout), their verdicts joining the findings.
import type { LintOptions, SizeThresholds } from './checks/check.ts'
import type { Finding } from './finding.ts'
import { lintMessage, renderHit } from './lint-message.ts'
import { startLintThreads } from './lint-threads.ts'
import { defaultContentRules, loadContentRules, type ContentRules } from './rules.ts'
import { ScannerError, type ContentScanner } from './scanners/scanner.ts'

export interface PreflightOptions {
  readonly rules?: ContentRules
  /** SpamAssassin, ClamAV…: asked in parallel after the checks */
  readonly scanners?: readonly ContentScanner[]
  readonly sizes?: Partial<SizeThresholds>
  /**
   * worker threads that run the checks; 0 (the default): the caller's thread. Rules come from
   * `rulesDir` on threads (a thread loads its own), from `rules` on the caller's thread.
   */
  readonly threads?: number
  /**
   * with threads, a message of at most this many bytes is still checked on the caller's thread
   * (default DEFAULT_INLINE_MAX_BYTES; 0: every message goes to a thread)
   */
  readonly inlineMaxBytes?: number
  readonly rulesDir?: string
}

/**
 * Up to this size a message's check costs the caller's thread less than handing it to a lint
 * thread costs the process: ~8 µs for a 2 KB message, ~13 µs for 16 KB of text (~23 µs as HTML),
 * against a hand-off that wakes the thread, copies the message and wakes the caller again with
 * the answer. On a 2-vCPU machine the raw 10 KB message's check cost the API 11–16 % of its
 * throughput on a thread and 6–8 % on the serving thread (BENCHMARKS.md, fifth session).
 * The worst 16 KB message found (a Subject of 650 encoded-words) takes ~0.7 ms. Larger messages
 * (a 1 MB one takes 1–2 ms) go to a thread, off the event loop.
 */
export const DEFAULT_INLINE_MAX_BYTES = 16 * 1024

export interface PreflightResult {
  /** the checks' and scanners' findings; a scanner that could not be asked adds scanner.unavailable (info) */
  readonly findings: readonly Finding[]
  /** scanners that could not be asked: their verdict is unknown, not clean */
  readonly unavailable: readonly ScannerError[]
}

export interface Preflight {
  check(message: Uint8Array, options?: LintOptions): Promise<PreflightResult>
  /** ends the lint threads, if any */
  close(): Promise<void>
}

export function createPreflight(options: PreflightOptions = {}): Preflight {
  if (options.threads !== undefined && options.threads > 0 && options.rules !== undefined) {
    throw new RangeError('createPreflight: rules on lint threads come from rulesDir (each thread loads its own), not from a rules object')
  }
  const rules = options.rules ?? (options.rulesDir === undefined ? defaultContentRules() : loadContentRules(options.rulesDir))
  const scanners = options.scanners ?? []
  const inlineMaxBytes = options.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES
  if (!Number.isInteger(inlineMaxBytes) || inlineMaxBytes < 0) throw new RangeError(`createPreflight: inlineMaxBytes: expected an integer of at least 0, got ${inlineMaxBytes}`)
  const threads = options.threads === undefined || options.threads === 0 ? undefined : startLintThreads({ threads: options.threads, ...(options.rulesDir === undefined ? {} : { rulesDir: options.rulesDir }) })
  return {
    async close() {
      await threads?.close()
    },
    async check(message, lintOptions = {}) {
      const lang = lintOptions.lang ?? 'en'
      // the thresholds of the preflight, then the call's; none (the defaults) when neither has any
      const sizes = options.sizes === undefined ? lintOptions.sizes : lintOptions.sizes === undefined ? options.sizes : { ...options.sizes, ...lintOptions.sizes }
      const checkOptions = sizes === undefined ? lintOptions : { ...lintOptions, sizes }
      // on threads, the checks run while the scanners are asked
      const linted = threads === undefined || message.byteLength <= inlineMaxBytes ? lintMessage(message, checkOptions, rules) : threads.lint(message, checkOptions)
      if (scanners.length === 0) return { findings: await linted, unavailable: [] }
      const unavailable: ScannerError[] = []
      const [findings, verdicts] = await Promise.all([linted, Promise.all(scanners.map(async (scanner) => {
        try {
          return await scanner.scan(message)
        } catch (error) {
          const failure = error instanceof ScannerError ? error : new ScannerError('CONTENT_SCANNER_PROTOCOL', scanner.name, `asking ${scanner.name}: ${(error as Error).message}`, { cause: error })
          unavailable.push(failure)
          return [{ id: 'scanner.unavailable', where: {}, vars: { scanner: scanner.name, problem: failure.message } }]
        }
      }))])
      return { findings: [...findings, ...verdicts.flat().map((hit) => renderHit(hit, rules, lang))], unavailable }
    },
  }
}
