// Limits on hostile or broken input to the mail parser. Bounces are small; the mail they
// return may not be, and anyone can send todoku a bounce. Each limit names what it stops.

/** Bytes of one message we look at. Stops a multi-gigabyte mail from holding the parser; a bounce's facts sit in its first kilobytes. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024

/** Nesting of multipart and message/rfc822 parts. Stops endless MIME nesting (a recursion bomb). */
export const MAX_MIME_DEPTH = 12

/** Parts in one message, counted over all levels. Stops a mail of a million empty parts. */
export const MAX_MIME_PARTS = 512

/** Bytes of one header block. Stops a header section that never ends. */
export const MAX_HEADER_BYTES = 256 * 1024

/** Header fields kept from one header block. Stops a million one-line headers. */
export const MAX_HEADER_FIELDS = 2000

/** Bytes of one text part we decode. Stops a 20 MB text attachment from being decoded and scanned; bounce text is far shorter. */
export const MAX_TEXT_PART_BYTES = 1024 * 1024

/** Characters of all human-readable text kept for one mail. Stops the sources' line scans from running over megabytes. */
export const MAX_TEXT_CHARS = 2 * 1024 * 1024

/** Distinct charset labels whose decoders are kept for reuse. Stops a stream of hostile mail, each naming a new made-up charset, from growing the cache for the life of the process. */
export const MAX_CACHED_CHARSETS = 128

/** Recipients one source reports from one mail. Stops a forged report of a million Final-Recipient groups from growing a source's per-recipient work and the result list without end; real bounces name a handful, a list expansion a few hundred. */
export const MAX_RECIPIENTS_PER_MAIL = 1000
