// ISO-2022-JP (RFC 1468) for Japanese carriers' older handsets, which show no other charset.
// Pure; the JIS X 0208 tables come from encoding-japanese.
import Encoding from 'encoding-japanese'

// RFC 2047 §2: an encoded-word is at most 75 characters. 12 JIS X 0208 characters are
// 24 bytes + 3-byte escapes in and out = 30 bytes → 40 base64 characters, well inside.
const CHARACTERS_PER_WORD = 12

/** The first character ISO-2022-JP can't carry (an emoji, 𩸽), or undefined when all fit. */
export function findCharacterOutsideIso2022Jp(text: string): string | undefined {
  for (const char of Encoding.toZenkanaCase(text)) {
    try {
      Encoding.convert(Encoding.stringToCode(char), { to: 'JIS', from: 'UNICODE', fallback: 'error' })
    } catch {
      return char
    }
  }
  return undefined
}

/** Text in ISO-2022-JP bytes; half-width katakana become full-width (ISO-2022-JP has none). */
export function encodeIso2022Jp(text: string): Buffer {
  return Buffer.from(Encoding.convert(Encoding.stringToCode(Encoding.toZenkanaCase(text)), { to: 'JIS', from: 'UNICODE' }))
}

/** A header value as RFC 2047 encoded-words (`=?ISO-2022-JP?B?…?=`), folded; pure ASCII stays as it is. */
export function encodeIso2022JpWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text
  const characters = [...text]
  const words: string[] = []
  for (let i = 0; i < characters.length; i += CHARACTERS_PER_WORD) {
    const chunk = characters.slice(i, i + CHARACTERS_PER_WORD).join('')
    words.push(`=?ISO-2022-JP?B?${encodeIso2022Jp(chunk).toString('base64')}?=`)
  }
  return words.join('\r\n ')
}
