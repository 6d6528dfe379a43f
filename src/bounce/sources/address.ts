// Mail addresses as bounces write them. Two places differ in what may count as one:
//   where an address is expected (a DSN recipient field, a notice's address line) anything
//   up to brackets, quotes and separators is taken, dotless hosts too ("kijitora@mailhub0",
//   Postfix local delivery; "JimmyMcEgypt@sims-ms-daemon", Sun Messaging Server);
//   in running text and headers only an RFC 5322 dot-atom local part at a dotted domain,
//   so that prose ("at@ the host") and Message-IDs' halves are not taken for one.

// Both are found from each "@" outwards rather than by an unanchored pattern: such a pattern
// rescans a run of local-part characters from each of its characters when no "@" follows, and a
// megabyte of base64 or "&#&#…" is such a run (test/bounce-robustness.test.ts).

// Where one is expected: "<kijitora@example.jp>", "rfc822; kijitora@example.jp", "kijitora@mailhub0."
const WRITTEN_SEPARATORS = ' \t\r\n<>()"\',;:[]@'
const WRITTEN_DOMAIN = /^[^\s<>()"',;:\[\]@]*[^\s<>()"',;:.\[\]@]/
// RFC 5322 §3.2.3 atext, then a dotted domain: "Final-Recipient: kijitora@example.jp" in a paragraph
const ATEXT = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/
const PROSE_DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets; no address is longer. */
const MAX_ADDRESS_CHARS = 256

/** The first address in a value where one is expected; a pipe ("|IFS=' ' && exec procmail …") holds none. */
export function addressIn(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  if (!trimmed || trimmed.startsWith('|') || trimmed.startsWith('"|')) return undefined
  return findAddresses(trimmed, (char) => !WRITTEN_SEPARATORS.includes(char), WRITTEN_DOMAIN, 1)[0]
}

/** Whether a line is one address and nothing else: "kijitora@example.jp", "<kijitora@example.jp>". */
export function isAddress(line: string): boolean {
  const bare = line.trim().replace(/^<(.*)>$/, '$1')
  return !bare.includes(' ') && addressIn(bare) === bare
}

/** Every address in running text or a header, in order: RFC 5322 dot-atoms at dotted domains. */
export function addressesIn(text: string | undefined): string[] {
  if (!text) return []
  return findAddresses(text, (char) => ATEXT.test(char), PROSE_DOMAIN, Infinity)
}

/** From each "@": the local-part characters before it (not into the previous match), the domain after it. */
function findAddresses(text: string, isLocal: (char: string) => boolean, domain: RegExp, most: number): string[] {
  const found: string[] = []
  let taken = 0
  for (let at = text.indexOf('@'); at !== -1 && found.length < most; at = text.indexOf('@', at + 1)) {
    let start = at
    while (start > taken && at - start < MAX_ADDRESS_CHARS && isLocal(text[start - 1])) start--
    if (start === at) continue
    const host = domain.exec(text.slice(at + 1, at + 1 + MAX_ADDRESS_CHARS))?.[0]
    if (!host) continue
    found.push(text.slice(start, at + 1 + host.length))
    taken = at + 1 + host.length
  }
  return found
}
