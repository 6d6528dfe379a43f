import { TodokuError } from '../core/index.ts'

/** Error codes of config loading, stable for callers and tests. */
export const CONFIG_ERRORS = {
  /** the config file or the environment has values that break the schema; `problems` lists each */
  INVALID: 'CONFIG_INVALID',
  /** the config file could not be read */
  UNREADABLE: 'CONFIG_UNREADABLE',
} as const

/** Every problem found in one load, each a full line: `config.toml: api.port: 70000: expected an integer from 0 to 65535`. */
export class ConfigError extends TodokuError {
  readonly problems: readonly string[]

  constructor(code: string, message: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'ConfigError'
    this.problems = problems
  }
}
