// The schema's building blocks: each config key is a Field (type, unit, default, description,
// parser); sections are plain objects of fields. `ConfigOf<typeof schema>` is the typed config,
// so the schema is the one place a key is declared.
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { DURATION_EXPECTED, formatByteSize, formatDuration, parseByteSize, parseDuration, SIZE_EXPECTED } from './units.ts'

/** Where a value is being read: its key (`egress.sources[1].address`), how to report a problem, what relative paths are relative to. */
export interface ReadContext {
  readonly key: string
  /** a problem with the value at `key`: `"5 dayz": expected a duration like …` */
  readonly report: (key: string, message: string) => void
  readonly baseDir: string
}

export interface Field<T> {
  readonly isField: true
  /** for the docs: 'duration', 'integer', 'one of debug, info, warn, error' */
  readonly type: string
  /** 'ms', 'bytes', or '' */
  readonly unit: string
  readonly description: string
  /** the key must be given (no default) */
  readonly isRequired: boolean
  readonly defaultValue: T | undefined
  /** the default as the docs show it */
  readonly defaultText: string
  /** turns an environment variable's text into the raw value `read` takes; absent: not settable from the environment */
  readonly fromText?: (text: string) => unknown
  /** the table-list item schema, for the docs */
  readonly items?: Section
  /** the value, or undefined after reporting what was expected */
  read(raw: unknown, context: ReadContext): T | undefined
}

/** A config section: keys to fields or nested sections. */
export interface Section {
  readonly [key: string]: Field<unknown> | Section
}

/** The typed, read-only config a schema describes. */
export type ConfigOf<S> = {
  readonly [K in keyof S]: S[K] extends Field<infer T> ? T : ConfigOf<S[K]>
}

export function isField(node: Field<unknown> | Section): node is Field<unknown> {
  return (node as { isField?: unknown }).isField === true
}

interface FieldSpec<T> {
  readonly description: string
  /** absent: the key is required */
  readonly default?: T
}

function show(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : Array.isArray(raw) ? 'a list' : raw !== null && typeof raw === 'object' ? 'a table' : String(raw)
}

function makeField<T>(
  spec: FieldSpec<T>,
  type: string,
  unit: string,
  expected: string,
  convert: (raw: unknown, context: ReadContext) => T | undefined,
  options: { fromText?: (text: string) => unknown; formatDefault?: (value: T) => string; items?: Section } = {},
): Field<T> {
  const format = options.formatDefault ?? ((value: T) => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)))
  return {
    isField: true,
    type,
    unit,
    description: spec.description,
    isRequired: !('default' in spec),
    defaultValue: spec.default,
    defaultText: 'default' in spec ? format(spec.default as T) : '(required)',
    fromText: options.fromText,
    items: options.items,
    read(raw, context) {
      const value = convert(raw, context)
      if (value === undefined) context.report(context.key, `${show(raw)}: expected ${expected}`)
      return value
    },
  }
}

const identity = (text: string): unknown => text

export function string(spec: FieldSpec<string> & { readonly pattern?: RegExp; readonly expected?: string }): Field<string> {
  const expected = spec.expected ?? 'a string'
  return makeField(spec, 'string', '', expected, (raw) => (typeof raw === 'string' && (spec.pattern === undefined || spec.pattern.test(raw)) ? raw : undefined), { fromText: identity })
}

/** A file or folder path; relative paths are relative to the config file's folder (the working directory without one). */
export function path(spec: FieldSpec<string>): Field<string> {
  return makeField(spec, 'path', '', 'a file or folder path', (raw, context) => (typeof raw === 'string' && raw !== '' ? resolve(context.baseDir, raw) : undefined), {
    fromText: identity,
  })
}

export function integer(spec: FieldSpec<number> & { readonly min: number; readonly max: number; readonly unit?: string }): Field<number> {
  return makeField(spec, 'integer', spec.unit ?? '', `an integer from ${spec.min} to ${spec.max}`, (raw) => (Number.isSafeInteger(raw) && (raw as number) >= spec.min && (raw as number) <= spec.max ? (raw as number) : undefined), {
    fromText: (text) => (/^-?\d+$/.test(text.trim()) ? Number(text) : text),
  })
}

/** A TCP port; 0 asks the system for any free one (tests). */
export function port(spec: FieldSpec<number>): Field<number> {
  return { ...integer({ ...spec, min: 0, max: 65_535 }), type: 'port' }
}

export function boolean(spec: FieldSpec<boolean>): Field<boolean> {
  const fromText = (text: string): unknown => ({ true: true, false: false, '1': true, '0': false, yes: true, no: false })[text.trim().toLowerCase()] ?? text
  return makeField(spec, 'boolean', '', 'true or false', (raw) => (typeof raw === 'boolean' ? raw : undefined), { fromText })
}

/** Milliseconds; the file may say `30s`, `5m`, `2h`, `5d`, `1h30m`. */
export function duration(spec: FieldSpec<number> & { readonly min?: number }): Field<number> {
  const min = spec.min ?? 0
  return makeField(spec, 'duration', 'ms', min > 0 ? `${DURATION_EXPECTED}, at least ${formatDuration(min)}` : DURATION_EXPECTED, (raw) => {
    const ms = parseDuration(raw)
    return ms !== undefined && ms >= min ? ms : undefined
  }, { fromText: identity, formatDefault: formatDuration })
}

/** Bytes; the file may say `512KiB`, `25MiB`, `10MB`. */
export function byteSize(spec: FieldSpec<number> & { readonly min?: number }): Field<number> {
  const min = spec.min ?? 0
  return makeField(spec, 'size', 'bytes', min > 0 ? `${SIZE_EXPECTED}, at least ${formatByteSize(min)}` : SIZE_EXPECTED, (raw) => {
    const bytes = parseByteSize(raw)
    return bytes !== undefined && bytes >= min ? bytes : undefined
  }, { fromText: identity, formatDefault: formatByteSize })
}

export function oneOf<const V extends string>(values: readonly V[], spec: FieldSpec<V>): Field<V> {
  return makeField(spec, `one of ${values.join(', ')}`, '', `one of ${values.join(', ')}`, (raw) => (values.includes(raw as V) ? (raw as V) : undefined), { fromText: identity })
}

/** An IPv4 or IPv6 address. */
export function ipAddress(spec: FieldSpec<string>): Field<string> {
  return makeField(spec, 'IP address', '', 'an IPv4 or IPv6 address', (raw) => (typeof raw === 'string' && isIP(raw) !== 0 ? raw : undefined), { fromText: identity })
}

/** A host and TCP port: `host:port`, `[IPv6]:port`, or a host alone (port `defaultPort`). */
export function hostPort(spec: FieldSpec<HostPort> & { readonly defaultPort: number }): Field<HostPort> {
  const expected = `host:port (a host name or IP address, IPv6 in brackets; the port defaults to ${spec.defaultPort})`
  return makeField(spec, 'host:port', '', expected, (raw) => (typeof raw === 'string' ? parseHostPort(raw, spec.defaultPort) : undefined), {
    fromText: identity,
    formatDefault: (value) => JSON.stringify(`${value.host.includes(':') ? `[${value.host}]` : value.host}:${value.port}`),
  })
}

export interface HostPort {
  readonly host: string
  readonly port: number
}

const HOST_NAME_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

function parseHostPort(text: string, defaultPort: number): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+))(?::(\d{1,5}))?$/.exec(text.trim())
  if (match === null) return undefined
  const host = match[1] ?? match[2]
  const port = match[3] === undefined ? defaultPort : Number(match[3])
  if (port < 1 || port > 65_535) return undefined
  if (match[1] !== undefined ? isIP(host) !== 6 : isIP(host) !== 4 && !HOST_NAME_PATTERN.test(host)) return undefined
  return { host: host.toLowerCase(), port }
}

/** A list of strings, each checked by `item`; from the environment, comma-separated. */
export function stringList(spec: FieldSpec<readonly string[]> & { readonly item?: (value: string) => boolean; readonly expected?: string }): Field<readonly string[]> {
  const isItem = spec.item ?? (() => true)
  const expected = `a list of ${spec.expected ?? 'strings'}`
  return makeField(spec, 'list of strings', '', expected, (raw, context) => {
    if (!Array.isArray(raw)) return undefined
    let isValid = true
    raw.forEach((item, index) => {
      if (typeof item !== 'string' || !isItem(item)) {
        context.report(`${context.key}[${index}]`, `${show(item)}: expected ${spec.expected ?? 'a string'}`)
        isValid = false
      }
    })
    // the items' own problems are reported; stand in an empty list so the parent doesn't report the list again
    return isValid ? (raw as string[]) : []
  }, { fromText: (text) => text.split(',').map((s) => s.trim()).filter((s) => s !== '') })
}

/** A list of tables (TOML `[[name]]`), each read against `items`; not settable from the environment. */
export function tableList<S extends Section>(items: S, spec: FieldSpec<readonly ConfigOf<S>[]>): Field<readonly ConfigOf<S>[]> {
  return makeField(spec, 'list of tables', '', 'a list of tables ([[…]] in TOML)', (raw, context) => {
    if (!Array.isArray(raw)) return undefined
    return raw.map((item, index) => readSection(items, item, { ...context, key: `${context.key}[${index}]` }) as ConfigOf<S>)
  }, { formatDefault: (value) => (value.length === 0 ? '[]' : JSON.stringify(value)), items })
}

/** Makes any field optional: absent is `undefined`, not a problem. */
export function optional<T>(field: Field<T>, defaultText = '(none)'): Field<T | undefined> {
  return { ...field, isRequired: false, defaultValue: undefined, defaultText }
}

/**
 * Reads a table against a section: every field (its value, its default, or a "required"
 * problem), nested sections, and a problem for each key the section doesn't know.
 * Problems are reported, never thrown, so that a file's every problem shows at once.
 */
export function readSection(section: Section, raw: unknown, context: ReadContext): unknown {
  const prefix = context.key === '' ? '' : `${context.key}.`
  const table = raw === undefined ? {} : raw
  if (table === null || typeof table !== 'object' || Array.isArray(table)) {
    context.report(context.key, `${show(raw)}: expected a table`)
    return {}
  }
  const given = table as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [name, node] of Object.entries(section)) {
    const key = prefix + name
    const value = given[name]
    if (!isField(node)) {
      out[name] = readSection(node, value, { ...context, key })
      continue
    }
    if (value === undefined) {
      if (node.isRequired) context.report(key, `missing: expected ${node.type}${node.unit === '' ? '' : ` (${node.unit})`}: ${node.description}`)
      // defaults go through the same reader, so a default path is resolved like a given one
      out[name] = node.defaultValue === undefined ? undefined : node.read(node.defaultValue, { ...context, key })
      continue
    }
    out[name] = node.read(value, { ...context, key })
  }
  for (const name of Object.keys(given)) {
    if (!(name in section)) context.report(prefix + name, `unknown key; expected one of ${Object.keys(section).join(', ')}`)
  }
  return out
}

/** Every field of a section with its dotted key, table-list items as `key[].item`, in schema order. */
export function listFields(section: Section, prefix = ''): { key: string; field: Field<unknown> }[] {
  const out: { key: string; field: Field<unknown> }[] = []
  for (const [name, node] of Object.entries(section)) {
    const key = prefix + name
    if (!isField(node)) {
      out.push(...listFields(node, `${key}.`))
      continue
    }
    out.push({ key, field: node })
    if (node.items !== undefined) out.push(...listFields(node.items, `${key}[].`))
  }
  return out
}

/** `delivery.retry.maxAgeMs` → `TODOKU_DELIVERY_RETRY_MAX_AGE_MS`. */
export function environmentVariableOf(key: string): string {
  return 'TODOKU_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\./g, '_').toUpperCase()
}
