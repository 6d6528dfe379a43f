// Splitting a message into its header fields and its body, just enough for DKIM: each field's
// name (lower-cased, for picking the fields to sign) and its exact text (for canonicalization).
// Nothing is decoded; field text is a binary string, one character per byte.

const CR = 0x0d
const LF = 0x0a
const SP = 0x20
const TAB = 0x09

/** One header field as it stands in the message. */
export interface HeaderField {
  /** the field name, lower-cased and without surrounding whitespace: `list-unsubscribe` */
  readonly name: string
  /** the whole field, name to end of value, folding kept, final line end dropped (binary string) */
  readonly text: string
}

/** A message cut at the blank line that ends its header section. */
export interface MessageParts {
  /** the header fields, top to bottom */
  readonly fields: readonly HeaderField[]
  /** everything after the blank line (empty when there is no blank line) */
  readonly body: Uint8Array
  /** whether a blank line ends the header section (false: the message is all header) */
  readonly hasBlankLine: boolean
  /** the line end the message's first line uses: new header lines are written with the same */
  readonly lineEnd: '\r\n' | '\n'
}

/**
 * Cut `message` into header fields and body. A line starting with SP or HTAB continues the field
 * above it (RFC 5322 §2.2.3); a message without a blank line is all header, with an empty body.
 */
export function splitMessage(message: Uint8Array): MessageParts {
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  const fields: HeaderField[] = []
  const firstLf = bytes.indexOf(LF)
  const lineEnd = firstLf > 0 && bytes[firstLf - 1] === CR ? '\r\n' : firstLf === -1 ? '\r\n' : '\n'
  let fieldStart = -1
  let fieldEnd = -1
  let position = 0
  let bodyStart = bytes.length
  let hasBlankLine = false
  const closeField = (): void => {
    if (fieldStart === -1) return
    const text = bytes.toString('latin1', fieldStart, fieldEnd)
    const colon = text.indexOf(':')
    fields.push({ name: (colon === -1 ? text : text.slice(0, colon)).trim().toLowerCase(), text })
    fieldStart = -1
  }
  while (position < bytes.length) {
    const lf = bytes.indexOf(LF, position)
    const next = lf === -1 ? bytes.length : lf + 1
    const contentEnd = lf === -1 ? bytes.length : lf > position && bytes[lf - 1] === CR ? lf - 1 : lf
    if (contentEnd === position && lf !== -1) {
      bodyStart = next
      hasBlankLine = true
      break
    }
    const first = bytes[position]
    if ((first === SP || first === TAB) && fieldStart !== -1) {
      fieldEnd = contentEnd
    } else {
      closeField()
      fieldStart = position
      fieldEnd = contentEnd
    }
    position = next
  }
  closeField()
  return { fields, body: bytes.subarray(bodyStart), hasBlankLine, lineEnd }
}
