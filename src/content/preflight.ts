// The preflight as injection runs it: the pure checks, then the configured scanners (each
// with its own timeout), their verdicts joining the findings.
import type { LintOptions, SizeThresholds } from './checks/check.ts'
import type { Finding } from './finding.ts'
import { lintMessage, renderHit } from './lint-message.ts'
import { defaultContentRules, type ContentRules } from './rules.ts'
import { ScannerError, type ContentScanner } from './scanners/scanner.ts'

export interface PreflightOptions {
  readonly rules?: ContentRules
  /** SpamAssassin, ClamAV…: asked in parallel after the checks */
  readonly scanners?: readonly ContentScanner[]
  readonly sizes?: Partial<SizeThresholds>
}

export interface PreflightResult {
  /** the checks' and scanners' findings; a scanner that could not be asked adds scanner.unavailable (info) */
  readonly findings: readonly Finding[]
  /** scanners that could not be asked: their verdict is unknown, not clean */
  readonly unavailable: readonly ScannerError[]
}

export interface Preflight {
  check(message: Uint8Array, options?: LintOptions): Promise<PreflightResult>
}

export function createPreflight(options: PreflightOptions = {}): Preflight {
  const rules = options.rules ?? defaultContentRules()
  const scanners = options.scanners ?? []
  return {
    async check(message, lintOptions = {}) {
      const lang = lintOptions.lang ?? 'en'
      const findings = lintMessage(message, { ...lintOptions, sizes: { ...options.sizes, ...lintOptions.sizes } }, rules)
      if (scanners.length === 0) return { findings, unavailable: [] }
      const unavailable: ScannerError[] = []
      const verdicts = await Promise.all(scanners.map(async (scanner) => {
        try {
          return await scanner.scan(message)
        } catch (error) {
          const failure = error instanceof ScannerError ? error : new ScannerError('CONTENT_SCANNER_PROTOCOL', scanner.name, `asking ${scanner.name}: ${(error as Error).message}`, { cause: error })
          unavailable.push(failure)
          return [{ id: 'scanner.unavailable', where: {}, vars: { scanner: scanner.name, problem: failure.message } }]
        }
      }))
      return { findings: [...findings, ...verdicts.flat().map((hit) => renderHit(hit, rules, lang))], unavailable }
    },
  }
}
