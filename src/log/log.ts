// Structured logs: one JSON object per line on stdout (`{"level":"info","time":"…","event":"…",…}`),
// for journald, Docker and any log shipper. There is no global logger: `main.ts` makes one `Log`
// and hands it to each capability in its deps; tests hand in `silentLog` or `createMemoryLog()`.
import type { Clock } from '../core/index.ts'

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

/** Extra facts on a log line; Errors are written as { name, code, message }. */
export type LogFields = Readonly<Record<string, unknown>>

/**
 * Writes one event. `event` is a stable dotted name (`delivery.deferred`, `api.listening`) that
 * a log query can match on; everything else goes in `fields`.
 */
export type Log = (level: LogLevel, event: string, fields?: LogFields) => void

/** A Log that drops everything. */
export const silentLog: Log = () => {}

export interface JsonLog {
  readonly log: Log
  /** writes out lines still buffered; call before exiting */
  flush(): void
}

export interface JsonLogOptions {
  /** lines below this level are dropped */
  readonly level: LogLevel
  readonly clock: Clock
  /** where lines go; default: process.stdout */
  readonly write?: (chunk: string) => void
}

/**
 * Lines are buffered and written once per turn of the event loop, or sooner past
 * FLUSH_AT_CHARS: stdout to a file or pipe is a synchronous write(2) on Linux, and one syscall
 * per line would cost more than the line at a thousand deliveries a second.
 */
const FLUSH_AT_CHARS = 64 * 1024

/** A JSON-lines Log. */
export function createJsonLog(options: JsonLogOptions): JsonLog {
  const minimum = LOG_LEVELS.indexOf(options.level)
  if (minimum < 0) throw new RangeError(`creating a log: level ${JSON.stringify(options.level)}: expected one of ${LOG_LEVELS.join(', ')}`)
  const write = options.write ?? ((chunk: string) => process.stdout.write(chunk))
  let buffer = ''
  let isScheduled = false

  function flush(): void {
    isScheduled = false
    if (buffer === '') return
    const chunk = buffer
    buffer = ''
    write(chunk)
  }

  const log: Log = (level, event, fields) => {
    if (LOG_LEVELS.indexOf(level) < minimum) return
    buffer += formatLogLine(level, new Date(options.clock.now()).toISOString(), event, fields) + '\n'
    if (buffer.length >= FLUSH_AT_CHARS) flush()
    else if (!isScheduled) {
      isScheduled = true
      setImmediate(flush)
    }
  }
  return { log, flush }
}

/** One line, without its newline. `level`, `time` and `event` come first and can't be overridden by fields. */
export function formatLogLine(level: LogLevel, time: string, event: string, fields?: LogFields): string {
  const head = `{"level":"${level}","time":"${time}","event":${JSON.stringify(event)}`
  if (fields === undefined) return head + '}'
  let body = ''
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === 'level' || key === 'time' || key === 'event') continue
    body += `,${JSON.stringify(key)}:${JSON.stringify(value, errorReplacer) ?? 'null'}`
  }
  return head + body + '}'
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return { name: value.name, ...(code === undefined ? {} : { code }), message: value.message }
  }
  if (typeof value === 'bigint') return value.toString()
  return value
}

/** A Log that keeps its entries, for tests that check what was logged. */
export interface MemoryLog {
  readonly log: Log
  readonly entries: { level: LogLevel; event: string; fields: LogFields }[]
}

export function createMemoryLog(): MemoryLog {
  const entries: MemoryLog['entries'] = []
  return { log: (level, event, fields = {}) => entries.push({ level, event, fields }), entries }
}
