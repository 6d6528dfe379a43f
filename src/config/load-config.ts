// Config loading at the edge: a TOML file plus environment overrides, read against the
// schema once, every problem reported together, the result deep-frozen.
import { accessSync, constants, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { CONFIG_ERRORS, ConfigError } from './errors.ts'
import { environmentVariableOf, listFields, readSection } from './field.ts'
import { CONFIG_SCHEMA, crossCheckConfig, type TodokuConfig } from './schema.ts'

export interface LoadConfigOptions {
  /** the TOML file; absent: defaults and the environment only */
  readonly file?: string
  /** the file's text, when the caller has read it (tests); `file` names it in messages and anchors relative paths */
  readonly text?: string
  /** environment overrides (`TODOKU_API_PORT=8080`); main passes process.env; default: none */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** what relative paths are relative to without a file; default: process.cwd() */
  readonly cwd?: string
}

/**
 * Loads, validates and freezes the config. Throws a ConfigError (CONFIG_INVALID) listing
 * every problem, each prefixed by where the value came from: the file's name, or the
 * environment variable.
 */
export function loadConfig(options: LoadConfigOptions = {}): TodokuConfig {
  const fileLabel = options.file ?? 'config'
  const raw = options.file === undefined && options.text === undefined ? {} : parseFile(fileLabel, options.text ?? readConfigFile(fileLabel))
  const fromEnvironment = applyEnvironment(raw, options.env ?? {})

  const problems: string[] = []
  const report = (key: string, message: string): void => {
    const variable = fromEnvironment.get(key.replace(/\[\d+\]$/, ''))
    problems.push(variable !== undefined ? `environment ${variable}: ${key}: ${message}` : `${fileLabel}: ${key}: ${message}`)
  }
  const baseDir = options.file !== undefined ? dirname(resolve(options.cwd ?? process.cwd(), options.file)) : (options.cwd ?? process.cwd())
  const config = readSection(CONFIG_SCHEMA, raw, { key: '', report, baseDir }) as TodokuConfig
  if (problems.length === 0) {
    for (const [key, message] of crossCheckConfig(config)) report(key, message)
    for (const key of ['submission.tls.certFile', 'submission.tls.keyFile'] as const) {
      const file = key.endsWith('certFile') ? config.submission.tls.certFile : config.submission.tls.keyFile
      if (file === undefined) continue
      try {
        accessSync(file, constants.R_OK)
      } catch {
        report(key, `${JSON.stringify(file)}: expected a readable file`)
      }
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(CONFIG_ERRORS.INVALID, `loading ${fileLabel}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`, problems)
  }
  return deepFreeze(config)
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (cause) {
    const message = `loading config ${file}: ${(cause as Error).message}; expected a readable TOML file`
    throw new ConfigError(CONFIG_ERRORS.UNREADABLE, message, [message], { cause })
  }
}

function parseFile(label: string, text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>
  } catch (cause) {
    if (!(cause instanceof TomlError)) throw cause
    const problem = `${label}:${cause.line}:${cause.column}: ${cause.message.split('\n')[0]}`
    throw new ConfigError(CONFIG_ERRORS.INVALID, `loading ${label}: 1 problem:\n  ${problem}`, [problem], { cause })
  }
}

/**
 * Sets each key whose environment variable is present (`TODOKU_DELIVERY_RETRY_MAX_AGE_MS`)
 * over the file's value; returns which keys came from which variable, for messages.
 * Lists of tables (egress sources and pools) come from the file only.
 */
function applyEnvironment(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const applied = new Map<string, string>()
  for (const { key, field } of listFields(CONFIG_SCHEMA)) {
    if (field.fromText === undefined || key.includes('[]')) continue
    const variable = environmentVariableOf(key)
    const text = env[variable]
    if (text === undefined) continue
    const parts = key.split('.')
    let table: Record<string, unknown> = raw
    for (const part of parts.slice(0, -1)) {
      const next = table[part]
      if (next === null || typeof next !== 'object' || Array.isArray(next)) table[part] = {}
      table = table[part] as Record<string, unknown>
    }
    table[parts[parts.length - 1]] = field.fromText(text)
    applied.set(key, variable)
  }
  return applied
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
