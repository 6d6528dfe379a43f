export { DnsFailure, type Resolver, type MxRecord } from './resolver.ts'
export { DnsError, dnsFailureOf, type DnsRecordType } from './dns-error.ts'
export { createNodeResolver, type NodeResolverOptions } from './node-resolver.ts'
export { createZoneResolver, type ZoneResolver } from './zone-resolver.ts'
export {
  normalizeDnsName,
  reverseName,
  txtCharacterStrings,
  MAX_CHARACTER_STRING_BYTES,
  MAX_CNAME_CHAIN,
  type Zone,
  type ZoneRecords,
} from './zone.ts'
