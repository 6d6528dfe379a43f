import { createTCPServer, createUDPServer, Packet, type DnsHandler } from 'dns2'
import { TodokuError } from '../core/index.ts'
import { MAX_CNAME_CHAIN, normalizeDnsName, txtCharacterStrings, type Zone, type ZoneRecords } from '../dns/index.ts'

/** A DNS server on 127.0.0.1 serving a made-up zone, over UDP and TCP on the same port. */
export interface SimDnsServer {
  /** '127.0.0.1:PORT', as `createNodeResolver({ servers: [address] })` takes it */
  readonly address: string
  readonly port: number
  /** replaces the zone; the next question is answered from the new one */
  setZone(zone: Zone, options?: { servfail?: readonly string[] }): void
  close(): Promise<void>
}

export interface SimDnsServerOptions {
  /** names answered with SERVFAIL (rcode 2) */
  readonly servfail?: readonly string[]
  /** 0 (the default) picks a free port */
  readonly port?: number
}

const { TYPE, CLASS } = Packet
/** RFC 1035 §4.1.1 (dns2 has `Packet.RCODE` at run time but not in its types) */
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const
type Resource = Packet['answers'][number]
const TTL_SECONDS = 60
/** Tries at finding a port free for both UDP and TCP when the port is ephemeral. */
const PORT_ATTEMPTS = 10

interface Answer {
  readonly rcode: number
  readonly answers: Resource[]
}

interface LoadedZone {
  readonly records: ReadonlyMap<string, ZoneRecords>
  readonly servfail: ReadonlySet<string>
}

function loadZone(zone: Zone, servfail: readonly string[] = []): LoadedZone {
  const records = new Map<string, ZoneRecords>()
  for (const [name, entry] of Object.entries(zone)) records.set(normalizeDnsName(name), entry)
  return { records, servfail: new Set(servfail.map(normalizeDnsName)) }
}

function resourcesOf(name: string, type: number, entry: ZoneRecords): Resource[] {
  const base = { name, type, class: CLASS.IN, ttl: TTL_SECONDS }
  const make = (fields: Partial<Resource>) => ({ ...base, ...fields }) as Resource
  switch (type) {
    case TYPE.A:
      return (entry.A ?? []).map((address) => make({ address }))
    case TYPE.AAAA:
      return (entry.AAAA ?? []).map((address) => make({ address }))
    case TYPE.MX:
      return (entry.MX ?? []).map(([priority, exchange]) => make({ priority, exchange: normalizeDnsName(exchange) }))
    case TYPE.TXT:
      // Buffers, so a split never re-encodes a multi-byte character past 255 octets
      return (entry.TXT ?? []).map((record) => make({ data: txtCharacterStrings(record).map((s) => Buffer.from(s, 'utf8')) as unknown as string[] }))
    case TYPE.PTR:
      return (entry.PTR ?? []).map((domain) => make({ domain: normalizeDnsName(domain) }))
    default:
      return []
  }
}

/**
 * Answers one question as an authoritative server for the whole zone would: NXDOMAIN
 * (rcode 3) for a name not in it, NOERROR with no answers (NODATA) for a name without the
 * type, SERVFAIL (rcode 2) for the names told to fail; a CNAME is answered with the alias
 * and the target's records.
 */
function answerQuestion(zone: LoadedZone, questionName: string, type: number): Answer {
  const answers: Resource[] = []
  let name = normalizeDnsName(questionName)
  for (let hops = 0; hops <= MAX_CNAME_CHAIN; hops++) {
    if (zone.servfail.has(name)) return { rcode: RCODE.SERVFAIL, answers: [] }
    const entry = zone.records.get(name)
    if (entry === undefined) return { rcode: RCODE.NXDOMAIN, answers }
    const found = resourcesOf(name, type, entry)
    if (found.length > 0) return { rcode: RCODE.NOERROR, answers: [...answers, ...found] }
    if (entry.CNAME === undefined || type === TYPE.CNAME) {
      if (entry.CNAME !== undefined) answers.push({ name, type: TYPE.CNAME, class: CLASS.IN, ttl: TTL_SECONDS, domain: normalizeDnsName(entry.CNAME) } as Resource)
      return { rcode: RCODE.NOERROR, answers }
    }
    answers.push({ name, type: TYPE.CNAME, class: CLASS.IN, ttl: TTL_SECONDS, domain: normalizeDnsName(entry.CNAME) } as Resource)
    name = normalizeDnsName(entry.CNAME)
  }
  return { rcode: RCODE.SERVFAIL, answers: [] }
}

/**
 * Starts a DNS server on 127.0.0.1 serving `zone` (dns2, UDP and TCP on one port: a UDP
 * answer over 512 bytes comes back truncated and c-ares asks again over TCP, as with a real
 * server). For tests, the simulator and `todoku demo`; it never forwards a question.
 */
export async function startDnsServer(zone: Zone, options: SimDnsServerOptions = {}): Promise<SimDnsServer> {
  const requestedPort = options.port ?? 0
  if (!(Number.isInteger(requestedPort) && requestedPort >= 0 && requestedPort < 65536)) {
    throw new TodokuError('SIM_OPTIONS_INVALID', `starting the simulated DNS server: port ${requestedPort}: expected an integer in 0..65535`)
  }
  let loaded = loadZone(zone, options.servfail)

  const handle: DnsHandler = (request, send) => {
    const response = Packet.createResponseFromRequest(request)
    response.header.aa = 1
    const [question] = request.questions
    if (question === undefined) {
      response.header.rcode = RCODE.FORMERR
    } else {
      const { rcode, answers } = answerQuestion(loaded, question.name, question.type)
      response.header.rcode = rcode
      response.answers.push(...answers)
    }
    send(response).catch(() => {
      // the client went away: nothing to do for a simulator
    })
  }

  for (let attempt = 1; ; attempt++) {
    const udp = createUDPServer(handle)
    const tcp = createTCPServer(handle)
    try {
      await listenUdp(udp, requestedPort)
      const port = (udp.address() as { port: number }).port
      await listenTcp(tcp, port)
      return {
        address: `127.0.0.1:${port}`,
        port,
        setZone(next, nextOptions) {
          loaded = loadZone(next, nextOptions?.servfail)
        },
        close: () => Promise.all([closeUdp(udp), closeTcp(tcp)]).then(() => undefined),
      }
    } catch (cause) {
      await Promise.all([closeUdp(udp), closeTcp(tcp)])
      const inUse = (cause as { code?: unknown }).code === 'EADDRINUSE'
      if (!(inUse && requestedPort === 0 && attempt < PORT_ATTEMPTS)) {
        throw new TodokuError('SIM_DNS_LISTEN', `starting the simulated DNS server on 127.0.0.1:${requestedPort}: ${(cause as Error).message}`, { cause })
      }
    }
  }
}

function listenUdp(udp: ReturnType<typeof createUDPServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    udp.once('error', reject)
    udp.bind(port, '127.0.0.1', () => {
      udp.off('error', reject)
      resolve()
    })
  })
}

function listenTcp(tcp: ReturnType<typeof createTCPServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    tcp.once('error', reject)
    tcp.listen(port, '127.0.0.1', () => {
      tcp.off('error', reject)
      resolve()
    })
  })
}

function closeUdp(udp: ReturnType<typeof createUDPServer>): Promise<void> {
  return new Promise((resolve) => {
    try {
      udp.close(() => resolve())
    } catch {
      resolve() // not bound, or closed already
    }
  })
}

function closeTcp(tcp: ReturnType<typeof createTCPServer>): Promise<void> {
  return new Promise((resolve) => {
    if (!tcp.listening) return resolve()
    tcp.close(() => resolve())
    // a client may keep a pipelined TCP connection open: don't wait for it
    ;(tcp as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
  })
}
