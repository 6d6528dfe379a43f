/** Error codes of the store, stable for callers and tests. */
export const STORE_ERRORS = {
  /** the store was used after close() */
  CLOSED: 'STORE_CLOSED',
  /** the database was written by a newer todoku (its schema version is above ours) */
  SCHEMA_TOO_NEW: 'STORE_SCHEMA_TOO_NEW',
  /** the database could not be opened, migrated or written */
  UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** a caller handed the store data that breaks its contract (a constraint failed) */
  INVALID_INPUT: 'STORE_INVALID_INPUT',
} as const
