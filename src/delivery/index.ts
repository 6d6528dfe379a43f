export { resolveRoute, MAX_MX_HOSTS, MAX_ADDRESSES_PER_HOST, type Route, type MxHost } from './mx.ts'
