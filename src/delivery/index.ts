export { resolveRoute, resolveRelayRoute, MAX_MX_HOSTS, MAX_ADDRESSES_PER_HOST, type Route, type MxHost } from './mx.ts'
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
export { planRetry, DEFAULT_RETRY_CONFIG, type RetryConfig, type RetryRequest, type RetryVerdict, type RetryPlan } from './retry-schedule.ts'
export { encodeVerp, decodeVerp, VERP_PREFIX, MIN_VERP_SECRET_BYTES, type VerpTarget, type VerpOptions } from './verp.ts'
export {
  choosePool, checkEgressConfig, createRoundRobinShaping,
  type EgressSource, type EgressPool, type PoolRule, type EgressConfig, type PoolChoiceInput,
  type ShapingPolicy, type ShapingRequest, type ShapingDecision, type ShapingOutcome,
} from './egress.ts'
export {
  createIpHolds, withIpHolds, holdListedIps, IP_HOLD_RECHECK_DELAY_MS,
  type IpHolds, type IpHold, type IpHoldsDeps, type IpListingNotice,
} from './ip-holds.ts'
export { startDelivery, type Delivery, type DeliveryDeps, type DeliveryStats } from './scheduler.ts'
export { resolveDeliveryConfig, DELIVERY_DEFAULTS, type DeliveryConfig, type ResolvedDeliveryConfig } from './delivery-config.ts'
export { envelopeAddress } from './envelope-address.ts'
