// log/: structured JSON-lines logs, passed to each capability as a `Log` function in its deps.
export {
  createJsonLog,
  createMemoryLog,
  formatLogLine,
  silentLog,
  LOG_LEVELS,
  type JsonLog,
  type JsonLogOptions,
  type Log,
  type LogFields,
  type LogLevel,
  type MemoryLog,
} from './log.ts'
