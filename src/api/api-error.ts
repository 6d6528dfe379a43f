import { TodokuError } from '../core/index.ts'
import type { FieldError } from '../injection/index.ts'
import type { ErrorV1 } from './schemas/error-v1.ts'
import type { FindingV1 } from './schemas/finding-v1.ts'

/**
 * An error the API answers with its own status and body: it renders itself. `code` is the
 * stable word clients switch on (`invalid_message`, `unauthorized`…), also the TodokuError code.
 */
export class ApiError extends TodokuError {
  readonly statusCode: number
  readonly fields: readonly FieldError[]
  readonly headers: Readonly<Record<string, string>>
  /** content_rejected: the preflight's findings */
  readonly findings: readonly FindingV1[]

  constructor(statusCode: number, code: string, message: string, options: { fields?: readonly FieldError[]; headers?: Record<string, string>; findings?: readonly FindingV1[]; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ApiError'
    this.statusCode = statusCode
    this.fields = options.fields ?? []
    this.headers = options.headers ?? {}
    this.findings = options.findings ?? []
  }

  toBody(): ErrorV1 {
    return { error: { code: this.code, message: this.message, ...(this.fields.length === 0 ? {} : { fields: [...this.fields] }), ...(this.findings.length === 0 ? {} : { findings: [...this.findings] }) } }
  }
}

/** The structured log the API writes to; main.ts hands in the real one. */
export interface ApiLog {
  info(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}
