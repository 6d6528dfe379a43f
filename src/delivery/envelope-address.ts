// Addresses as they go into MAIL FROM / RCPT TO. Pure.

// RFC 5321 §4.1.2 Dot-string: atoms of atext joined by single dots; RFC 6531 §3.3 adds UTF-8.
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10ffff}-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10ffff}-]+)*$/u

/**
 * The address with its local part quoted when it is not a Dot-string (RFC 5321 §4.1.2
 * Quoted-string). Japanese carriers' legacy addresses (`taro..yamada.@docomo.ne.jp`, from
 * before they enforced RFC 5322) go out as `"taro..yamada."@docomo.ne.jp`, which their MX
 * hosts accept; the address itself is never altered. An already quoted local part is kept.
 */
export function envelopeAddress(address: string): string {
  const at = address.lastIndexOf('@')
  if (at <= 0) return address
  const local = address.slice(0, at)
  if (DOT_STRING.test(local) || (local.length >= 2 && local.startsWith('"') && local.endsWith('"'))) return address
  return `"${local.replace(/["\\]/g, (c) => `\\${c}`)}"${address.slice(at)}`
}

/** RFC 6531: the envelope needs SMTPUTF8 when an address has non-ASCII characters. */
export function needsSmtpUtf8(addresses: readonly string[]): boolean {
  for (const address of addresses) if (/[^\x00-\x7f]/.test(address)) return true
  return false
}
