export { startDnsServer, type SimDnsServer, type SimDnsServerOptions } from './dns-server.ts'
export { startSinkServer, readSinkCertificate, MAX_SLOW_REPLY_MS, type SinkServer, type SinkServerOptions, type SinkMessage, type SinkSession } from './sink-server.ts'
