export { resolveRoute, MAX_MX_HOSTS, MAX_ADDRESSES_PER_HOST, type Route, type MxHost } from './mx.ts'
export {
  createMtaStsPolicyCache,
  createHttpsPolicyFetcher,
  mxAllowedByPolicy,
  mustRequireValidTls,
  DEFAULT_MAX_POLICY_ENTRIES,
  DEFAULT_TXT_RECHECK_MS,
  DEFAULT_POLICY_FETCH_TIMEOUT_MS,
  MAX_POLICY_BYTES,
  type MtaStsMode,
  type MtaStsPolicy,
  type MtaStsPolicyCache,
  type MtaStsPolicyCacheDeps,
  type FetchMtaStsPolicy,
  type HttpsPolicyFetcherOptions,
} from './mta-sts.ts'
