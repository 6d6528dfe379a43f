// Limits on hostile input to the preflight. Anyone holding an API key can hand todoku a
// message built to make the linter slow; each limit names what it stops.

/** Bytes of one message the reader looks at. Stops a multi-gigabyte message from holding the event loop; the injector refuses such mail anyway. */
export const MAX_LINT_MESSAGE_BYTES = 64 * 1024 * 1024

/** Nesting of multiparts. Stops a recursion bomb of multiparts inside multiparts. */
export const MAX_LINT_MIME_DEPTH = 16

/** Parts in one message, over all levels. Stops a message of a million empty parts. */
export const MAX_LINT_PARTS = 1000

/** Header fields read from one header block. Stops a million one-line headers. */
export const MAX_LINT_HEADER_FIELDS = 5000

/** Bytes of one text part decoded and scanned for wording, links and charset validity. Stops a 20 MB text part from being scanned by every phrase list. */
export const MAX_LINT_TEXT_BYTES = 2 * 1024 * 1024

/** Findings reported per check id. Stops a message with 100,000 bad lines from answering 100,000 findings. */
export const MAX_FINDINGS_PER_CHECK = 5

/**
 * Characters at the start and at the end of a message's visible text matched against the
 * wording lists (with the whole subject). Lures and advertising markers open a message; opt-out,
 * address and contact footers close it. Stops a 10 MB text from costing 1,000 times a 10 KB one
 * at injection, where the preflight must stay under a tenth of the API's cost.
 */
export const WORDING_WINDOW_CHARS = 3000

/** Links looked at in one message. Stops a page of a million anchors from costing a million comparisons. */
export const MAX_LINKS = 2000

/** Bytes of one archive attachment whose directory is read. Stops decoding a huge archive to look at names. */
export const MAX_ARCHIVE_BYTES = 32 * 1024 * 1024

/** Entries read from one archive's central directory. Stops a zip of a million entries. */
export const MAX_ARCHIVE_ENTRIES = 10_000
