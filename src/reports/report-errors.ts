/** Stable codes of the errors report ingestion throws (each a TodokuError). */
export const REPORT_ERRORS = {
  /** the bytes are no report of the kind expected (not XML/JSON/gzip/zip/email, or an email without a report attachment) */
  UNRECOGNIZED: 'REPORT_UNRECOGNIZED',
  /** a container (gzip, zip) is broken, encrypted, or uses a method we don't read */
  CONTAINER_INVALID: 'REPORT_CONTAINER_INVALID',
  /** a limit on hostile input was hit (size, depth, entries, rows) */
  TOO_LARGE: 'REPORT_TOO_LARGE',
  /** malformed XML, or XML with a DOCTYPE (refused: entity expansion) */
  XML_INVALID: 'REPORT_XML_INVALID',
  /** malformed JSON */
  JSON_INVALID: 'REPORT_JSON_INVALID',
  /** well-formed, but not what RFC 7489 / RFC 9990 / RFC 8460 describe (a missing field, a value outside the schema) */
  SCHEMA_INVALID: 'REPORT_SCHEMA_INVALID',
} as const
