export { startDnsServer, type SimDnsServer, type SimDnsServerOptions } from './dns-server.ts'
