// Our Resolver port in the shape mailauth's checks take: `(name, rrtype) => Promise<answers>`,
// the `dns.promises.resolve` contract, with errors carrying node:dns codes.
import { DnsError, type DnsFailure, type Resolver } from '../dns/index.ts'

/** mailauth's `resolver` option (postalsys/mailauth lib/spf/index.js `resolver(domain, type)`). */
export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown[]>

/** node:dns error codes (as c-ares names them) for each of our failures; mailauth reads `.code`. */
const NODE_DNS_CODE: Readonly<Record<DnsFailure, string>> = {
  NXDOMAIN: 'ENOTFOUND',
  NODATA: 'ENODATA',
  SERVFAIL: 'ESERVFAIL',
  TIMEOUT: 'ETIMEOUT',
  REFUSED: 'EREFUSED',
}

/**
 * mailauth's resolver over ours. PTR questions come as reverse names (`2.0.0.127.in-addr.arpa`)
 * and go to our port as the address; a type we do not look up (SPF type 99, obsolete since
 * RFC 7208 §3.1) is answered as NODATA.
 */
export function mailauthResolverOf(dns: Resolver): MailauthResolver {
  return async (name, rrtype) => {
    try {
      switch (rrtype.toUpperCase()) {
        case 'TXT':
          return await dns.txt(name)
        case 'MX':
          return await dns.mx(name)
        case 'A':
          return await dns.a(name)
        case 'AAAA':
          return await dns.aaaa(name)
        case 'PTR': {
          const address = addressOfReverseName(name)
          if (address === undefined) throw new DnsError('NXDOMAIN', name, 'PTR')
          return await dns.ptr(address)
        }
        default:
          throw new DnsError('NODATA', name, 'TXT', { detail: `type ${rrtype} is not looked up` })
      }
    } catch (error) {
      if (error instanceof DnsError) throw Object.assign(new Error(error.message, { cause: error }), { code: NODE_DNS_CODE[error.failure] })
      throw error
    }
  }
}

/** '2.0.0.127.in-addr.arpa' → '127.0.0.2'; 32 nibbles of ip6.arpa → the IPv6 address; else undefined. */
export function addressOfReverseName(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '')
  if (lower.endsWith('.in-addr.arpa')) {
    const octets = lower.slice(0, -'.in-addr.arpa'.length).split('.')
    if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined
    return octets.reverse().join('.')
  }
  if (lower.endsWith('.ip6.arpa')) {
    const nibbles = lower.slice(0, -'.ip6.arpa'.length).split('.')
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined
    const hex = nibbles.reverse().join('')
    const groups: string[] = []
    for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4).replace(/^0+(?=.)/, ''))
    return groups.join(':')
  }
  return undefined
}
