/**
 * Made-up DNS data for tests, the simulator and `todoku demo`: served in memory by
 * `createZoneResolver` and over UDP/TCP on loopback by `sim/`'s `startDnsServer`, so both
 * answer the same questions the same way.
 *
 *     const zone: Zone = {
 *       'example.jp': { MX: [[10, 'mx1.example.jp']], TXT: ['v=spf1 -all'] },
 *       'mx1.example.jp': { A: ['127.0.0.2'] },
 *       '2.0.0.127.in-addr.arpa': { PTR: ['mx1.example.jp'] },
 *     }
 *
 * Names are matched case-insensitively and without their trailing dot. A null MX
 * (RFC 7505) is `MX: [[0, '.']]`.
 */
export type Zone = Readonly<Record<string, ZoneRecords>>

export interface ZoneRecords {
  readonly A?: readonly string[]
  readonly AAAA?: readonly string[]
  /** [priority, exchange] */
  readonly MX?: readonly (readonly [number, string])[]
  /** a string (split into 255-byte character-strings, as on the wire) or the character-strings */
  readonly TXT?: readonly (string | readonly string[])[]
  /** host names; the key is the reverse name (`reverseName('127.0.0.2')`) */
  readonly PTR?: readonly string[]
  /** an alias: every type is looked up at the target instead */
  readonly CNAME?: string
}

/** RFC 1035 §3.3: a <character-string> is at most 255 octets; longer TXT data is split. */
export const MAX_CHARACTER_STRING_BYTES = 255

/**
 * A CNAME chain longer than this is answered as SERVFAIL. Threat: an alias loop in a zone
 * making a look-up spin forever.
 */
export const MAX_CNAME_CHAIN = 8

/** 'Example.JP.' → 'example.jp' */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

/** The character-strings of one TXT record, as a server sends them. */
export function txtCharacterStrings(record: string | readonly string[]): string[] {
  if (typeof record !== 'string') return [...record]
  const bytes = Buffer.from(record, 'utf8')
  if (bytes.length <= MAX_CHARACTER_STRING_BYTES) return [record]
  const strings: string[] = []
  for (let start = 0; start < bytes.length; start += MAX_CHARACTER_STRING_BYTES) {
    strings.push(bytes.subarray(start, start + MAX_CHARACTER_STRING_BYTES).toString('utf8'))
  }
  return strings
}

/**
 * The name a PTR look-up asks for: '127.0.0.2' → '2.0.0.127.in-addr.arpa' (RFC 1035 §3.5),
 * '2001:db8::1' → '1.0.0.0…8.b.d.0.1.0.0.2.ip6.arpa' (RFC 3596 §2.5).
 */
export function reverseName(address: string): string {
  if (!address.includes(':')) return `${address.split('.').reverse().join('.')}.in-addr.arpa`
  const [head = '', tail = ''] = address.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  const headGroups = groups(head)
  const tailGroups = address.includes('::') ? groups(tail) : []
  const zeros = Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0')
  const nibbles = [...headGroups, ...zeros, ...tailGroups].map((g) => g.padStart(4, '0')).join('')
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`
}
