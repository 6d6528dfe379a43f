// HTML character references (&amp; &#39; &#x3042;) decoded, for the preflight's reading of HTML:
// the named ones bulk mail uses and every numeric one, in one pass from '&' to '&'.

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', yen: '¥' }

/**
 * The entities decoded, as replacing /&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi by what each
 * names would (one it does not name, or a code point out of range, left as it is). Each '&' is
 * found by indexOf and what follows it read in place: the pattern read every character and called
 * a function per entity (HTML with an &nbsp; on each of its 64 lines ~30 µs to read).
 */
export function decodeEntities(text: string): string {
  let out = ''
  let written = 0
  // an entity holds no '&': the next one is looked for from the character after this '&'
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1)) {
    const end = entityEnd(text, at)
    if (end === -1) continue
    const decoded = decodedEntity(text, at, end)
    if (decoded === undefined) continue
    out += text.slice(written, at) + decoded
    written = end
  }
  return written === 0 ? text : out + text.slice(written)
}

/** Just after the ';' of the entity the '&' at `at` starts, as the pattern reads it: -1 when it starts none. */
function entityEnd(text: string, at: number): number {
  if (text.charCodeAt(at + 1) === 0x23) {
    // '#x' and 1-6 hex digits, or '#' and 1-7 decimal ones ('x' is no decimal digit)
    const isHex = (text.charCodeAt(at + 2) | 0x20) === 0x78
    const from = at + (isHex ? 3 : 2)
    const most = isHex ? 6 : 7
    let to = from
    while (to - from <= most && (isHex ? isHexDigit(text.charCodeAt(to)) : isDigit(text.charCodeAt(to)))) to++
    return to > from && to - from <= most && text.charCodeAt(to) === 0x3b ? to + 1 : -1
  }
  // 2-8 ASCII letters (in any case)
  let to = at + 1
  while (to - at <= 8 && isAsciiLetter(text.charCodeAt(to))) to++
  return to - at - 1 >= 2 && to - at - 1 <= 8 && text.charCodeAt(to) === 0x3b ? to + 1 : -1
}

/** What the entity [at, end) names: undefined when nothing (an unknown name, a code point out of range). */
function decodedEntity(text: string, at: number, end: number): string | undefined {
  if (text.charCodeAt(at + 1) !== 0x23) return NAMED_ENTITIES[text.slice(at + 1, end - 1).toLowerCase()]
  const isHex = (text.charCodeAt(at + 2) | 0x20) === 0x78
  const code = isHex ? parseInt(text.slice(at + 3, end - 1), 16) : parseInt(text.slice(at + 2, end - 1), 10)
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || ((code | 0x20) >= 97 && (code | 0x20) <= 102)
}

function isAsciiLetter(code: number): boolean {
  return (code | 0x20) >= 97 && (code | 0x20) <= 122
}
