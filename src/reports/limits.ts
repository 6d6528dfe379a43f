// Limits on hostile or broken report input. Anyone can mail todoku a "report" or post one to
// the API; each limit names what it stops.

/** Bytes of one input as received (a file, an email, a POST body). Stops a huge upload from being read into memory and scanned. */
export const MAX_REPORT_INPUT_BYTES = 32 * 1024 * 1024

/** Bytes one report may decompress to (gzip or zip member). Stops a decompression bomb (42.zip: kilobytes that inflate to gigabytes); the largest real aggregate reports are a few MB. */
export const MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024

/** Entries read from a zip's central directory. Stops a zip of a million tiny entries; a report zip holds one file. */
export const MAX_ZIP_ENTRIES = 16

/** Containers inside containers (an email holding a zip holding a gzip…). Stops nesting bombs; real reports nest at most email → zip/gzip. */
export const MAX_CONTAINER_DEPTH = 3

/** Nesting of XML elements. Stops deep-nesting recursion in the XML parser; a DMARC report nests 5 deep. */
export const MAX_XML_DEPTH = 16

/** <record> rows in one aggregate report. Stops a forged report from storing millions of rows; a big receiver's daily report has thousands. */
export const MAX_RECORDS_PER_REPORT = 200_000

/** Policies, and failure details per policy, in one TLS-RPT report. Stops a forged report from storing a million rows. */
export const MAX_TLSRPT_POLICIES = 10_000
export const MAX_TLSRPT_FAILURE_DETAILS = 10_000

/** Characters kept of any one text field (an org name, a comment, a human_result). Stops one field from carrying megabytes into the store. */
export const MAX_FIELD_CHARS = 1024
