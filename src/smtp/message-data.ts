// The bytes of a message as DATA sends them (RFC 5321 §4.5.2 and §2.3.8): every line ends in
// CRLF, a line that starts with '.' gets one more, and ".\r\n" ends the data. Messages are
// in memory, so this is a Buffer operation, not a stream: one scan finds out whether the
// message is already clean (it is when we built it ourselves), and only a message that is not
// gets copied.

const LF = 10
const CR = 13
const DOT = 46

const TERMINATOR = Buffer.from('.\r\n')
const CRLF_TERMINATOR = Buffer.from('\r\n.\r\n')

/**
 * The chunks to write after a 354 reply, in order. A clean message is not copied: the chunks
 * are the message itself and the terminator.
 */
export function encodeMessageData(message: Uint8Array): Uint8Array[] {
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  if (bytes.length === 0) return [TERMINATOR]
  if (isClean(bytes)) {
    const endsWithCrlf = bytes.length >= 2 && bytes[bytes.length - 2] === CR && bytes[bytes.length - 1] === LF
    return [bytes, endsWithCrlf ? TERMINATOR : CRLF_TERMINATOR]
  }
  return [stuff(bytes)]
}

/** Whether every CR is followed by LF, every LF preceded by CR, and no line starts with '.'. */
function isClean(bytes: Buffer): boolean {
  if (bytes[0] === DOT) return false
  for (let at = bytes.indexOf(LF); at >= 0; at = bytes.indexOf(LF, at + 1)) {
    if (at === 0 || bytes[at - 1] !== CR || bytes[at + 1] === DOT) return false
  }
  for (let at = bytes.indexOf(CR); at >= 0; at = bytes.indexOf(CR, at + 1)) {
    if (bytes[at + 1] !== LF) return false
  }
  return true
}

/** Copies with bare CR and bare LF turned into CRLF, leading dots doubled, and the terminator added. */
function stuff(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * 2 + 5)
  let length = 0
  let atLineStart = true
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte === CR || byte === LF) {
      out[length++] = CR
      out[length++] = LF
      if (byte === CR && bytes[i + 1] === LF) i++
      atLineStart = true
      continue
    }
    if (atLineStart && byte === DOT) out[length++] = DOT
    out[length++] = byte
    atLineStart = false
  }
  if (!atLineStart) {
    out[length++] = CR
    out[length++] = LF
  }
  out[length++] = DOT
  out[length++] = CR
  out[length++] = LF
  return out.subarray(0, length)
}

