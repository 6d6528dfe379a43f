// bench:checks — how long the domain doctor takes: one full runDomainChecks (≈40 DNS questions:
// SPF walk + mailauth per IP, DKIM, DMARC, MX, PTR, MTA-STS, TLS-RPT, BIMI, 5 blocklists) over the
// loopback DNS server, sequential and 20 domains at once; and the RFC 7208 SPF evaluations/s
// through checkSpfHost on an in-memory zone.
import { cpus, loadavg } from 'node:os'
import { checkSpfHost, loadDnsblLists, runDomainChecks, type DomainCheckTarget } from '../src/checks/index.ts'
import { systemClock } from '../src/core/index.ts'
import { generateDkimKeys } from '../src/dkim/index.ts'
import { createNodeResolver, createZoneResolver, reverseName } from '../src/dns/index.ts'
import { startDnsServer } from '../src/sim/index.ts'

const IP = '192.0.2.10'
const keys = await generateDkimKeys('example.test')
const zone = {
  'example.test': { MX: [[10, 'mail.example.test']] as [number, string][], A: ['192.0.2.80'] },
  'mail.example.test': { A: ['192.0.2.25'] },
  'bounce.example.test': { MX: [[10, 'in.todoku.test']] as [number, string][], TXT: [`v=spf1 include:_spf.example.test ip4:${IP} -all`] },
  '_spf.example.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
  'in.todoku.test': { A: ['192.0.2.26'] },
  [`${keys.rsa.selector}._domainkey.example.test`]: { TXT: [keys.rsa.publicKeyDnsRecord] },
  [`${keys.ed25519.selector}._domainkey.example.test`]: { TXT: [keys.ed25519.publicKeyDnsRecord] },
  '_dmarc.example.test': { TXT: ['v=DMARC1; p=none; rua=mailto:dmarc@bounce.example.test'] },
  [reverseName(IP)]: { PTR: ['mta1.todoku.test'] },
  'mta1.todoku.test': { A: [IP] },
}
const target: DomainCheckTarget = {
  domain: 'example.test', bounceDomain: 'bounce.example.test', mxHost: 'in.todoku.test',
  dkimKeys: [keys.rsa, keys.ed25519].map((k) => ({ selector: k.selector, algorithm: k.algorithm, privateKeyPem: k.privateKeyPem, state: 'active' as const })),
  egress: [{ address: IP, ehloName: 'mta1.todoku.test' }],
}
const server = await startDnsServer(zone)
const dns = createNodeResolver({ servers: [server.address], timeoutMs: 2000, tries: 1 })
const blocklists = loadDnsblLists()
const deps = { dns, clock: systemClock, blocklists }

await runDomainChecks(target, deps) // warm-up
const SEQUENTIAL = 50
let start = performance.now()
for (let i = 0; i < SEQUENTIAL; i++) await runDomainChecks(target, deps)
const perCheckMs = (performance.now() - start) / SEQUENTIAL
const PARALLEL = 20
start = performance.now()
await Promise.all(Array.from({ length: PARALLEL }, () => runDomainChecks(target, deps)))
const parallelMs = performance.now() - start
await server.close()

const memory = createZoneResolver(zone)
const SPF_RUNS = 2000
start = performance.now()
for (let i = 0; i < SPF_RUNS; i++) await checkSpfHost({ ip: IP, mailFrom: 'a@bounce.example.test', helo: 'mta1.todoku.test' }, { dns: memory })
const spfPerSecond = SPF_RUNS / ((performance.now() - start) / 1000)

const load = loadavg().map((x) => x.toFixed(2)).join(' ')
console.log(`domain check over loopback DNS: ${perCheckMs.toFixed(1)} ms per domain (sequential, ${SEQUENTIAL} runs); ${PARALLEL} domains at once in ${parallelMs.toFixed(0)} ms`)
console.log(`SPF check_host (mailauth strict, in-memory zone, include + ip4): ${spfPerSecond.toFixed(0)} evaluations/s`)
console.log(`load average ${load} on ${cpus().length} CPUs`)
