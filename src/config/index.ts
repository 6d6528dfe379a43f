// config/: one schema (type, unit, default, description per key) → load (TOML + environment)
// → validate (every problem at once) → deep-freeze. main.ts hands each capability its slice.
export { loadConfig, type LoadConfigOptions } from './load-config.ts'
export {
  CONFIG_SCHEMA,
  crossCheckConfig,
  type TodokuConfig,
  type EgressSourceConfig,
  type EgressPoolConfig,
  type EgressRuleConfig,
} from './schema.ts'
export { renderConfigDocs } from './config-docs.ts'
export { resolveVerpSecret, VERP_SECRET_FILE_NAME } from './verp-secret.ts'
export { CONFIG_ERRORS, ConfigError } from './errors.ts'
export { environmentVariableOf, listFields, type Field, type Section, type ConfigOf } from './field.ts'
export { parseDuration, parseByteSize, formatDuration, formatByteSize } from './units.ts'
