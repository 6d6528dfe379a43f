// The delivery engine end to end, on loopback only: a DNS server with made-up zones whose MX
// hosts are sink SMTP servers on 127.0.0.x, an SQLite store in a temp folder, and a manual
// clock so retries come on schedule in milliseconds. Messages go in through the store (the
// injection API is tested through its own end-to-end test).
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import { classifyReply } from '../src/bounce/index.ts'
import { createManualClock, createSeededRandom } from '../src/core/index.ts'
import { generateDkimKeys } from '../src/dkim/index.ts'
import { createNodeResolver, createZoneResolver, DnsError, type Resolver, type Zone } from '../src/dns/index.ts'
import { createMtaStsPolicyCache, decodeVerp, startDelivery, type Delivery } from '../src/delivery/index.ts'
import { startDnsServer, startSinkServer, type SimDnsServer, type SinkServer } from '../src/sim/index.ts'
import { openSqliteStore, type MessageView, type Store } from '../src/store/index.ts'

const VERP_SECRET = 'e2e-verp-secret-0123456789'
const MINUTE = 60_000
const clock = createManualClock(Date.now())

interface Harness {
  store: Store
  delivery: Delivery
  dns: SimDnsServer
  resolver: Resolver
  good: SinkServer
  sts: SinkServer
  events: Record<string, unknown>[]
  dkimZone: Zone
  folder: string
}

let h: Harness

before(async () => {
  const keys = await generateDkimKeys('sender.test', { clock })
  const good = await startSinkServer({ host: '127.0.0.2', keepBodies: true })
  const sts = await startSinkServer({ host: '127.0.0.3', port: good.port })
  const dkimZone: Zone = {
    [keys.rsa.dnsName]: { TXT: [keys.rsa.publicKeyDnsRecord] },
    [keys.ed25519.dnsName]: { TXT: [keys.ed25519.publicKeyDnsRecord] },
  }
  const zone: Zone = {
    ...dkimZone,
    'receiver.test': { MX: [[10, 'mx1.receiver.test']] },
    'mx1.receiver.test': { A: ['127.0.0.2'] },
    // the first MX refuses connections (nothing listens on 127.0.0.4): the second takes the mail
    'fallback.test': { MX: [[10, 'dead.fallback.test'], [20, 'mx1.receiver.test']] },
    'dead.fallback.test': { A: ['127.0.0.4'] },
    'nullmx.test': { MX: [[0, '.']] },
    'sts.test': { MX: [[10, 'mx.sts.test']] },
    'mx.sts.test': { A: ['127.0.0.3'] },
    '_mta-sts.sts.test': { TXT: ['v=STSv1; id=20260101'] },
  }
  const dns = await startDnsServer(zone, { servfail: ['broken.test'] })
  const resolver = createNodeResolver({ servers: [dns.address], timeoutMs: 1000, tries: 1 })
  const folder = await mkdtemp(join(tmpdir(), 'todoku-delivery-e2e-'))
  const store = await openSqliteStore({ path: folder, clock, random: createSeededRandom(1) })
  await store.putDomain({
    name: 'sender.test',
    tenantId: 't1',
    requireTls: false,
    bounceDomain: 'bounces.sender.test',
    dkimKeys: [
      { selector: keys.ed25519.selector, algorithm: 'ed25519-sha256', privateKeyPem: keys.ed25519.privateKeyPem },
      { selector: keys.rsa.selector, algorithm: 'rsa-sha256', privateKeyPem: keys.rsa.privateKeyPem },
    ],
  })
  const events: Record<string, unknown>[] = []
  const mtaSts = createMtaStsPolicyCache({
    dns: resolver,
    clock,
    fetchPolicy: async (domain) => {
      if (domain !== 'sts.test') throw new Error(`no policy for ${domain}`)
      return 'version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmax_age: 86400\r\n'
    },
  })
  const delivery = startDelivery({
    store,
    dns: resolver,
    clock,
    random: createSeededRandom(2),
    classifyReply,
    mtaSts,
    log: (event) => events.push(event),
    config: {
      egress: {
        sources: [{ name: 'src1', address: '127.0.0.1', ehloName: 'mta1.sender.test' }],
        pools: [{ name: 'shared', kind: 'shared', sources: ['src1'] }],
        defaultPool: 'shared',
      },
      mxPort: good.port,
      connectTimeoutMs: 1000,
      commandTimeoutMs: 2000,
      dataTimeoutMs: 2000,
      verp: { secret: VERP_SECRET },
      maxIdleSleepMs: 200,
    },
  })
  h = { store, delivery, dns, resolver, good, sts, events, dkimZone, folder }
})

after(async () => {
  await h.delivery.stop()
  await Promise.all([h.good.close(), h.sts.close(), h.dns.close()])
  h.store.close()
  await rm(h.folder, { recursive: true, force: true })
})

function message(to: readonly string[], subject: string): Uint8Array {
  return Buffer.from([
    'From: Sender <news@sender.test>',
    `To: ${to.join(', ')}`,
    `Subject: ${subject}`,
    `Date: ${new Date(clock.now()).toUTCString()}`,
    `Message-ID: <${subject.replace(/\W/g, '')}.${clock.now()}@sender.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello ${subject}.`,
    '',
  ].join('\r\n'))
}

async function send(to: readonly string[], subject: string): Promise<string> {
  const inserted = await h.store.insertMessage({
    tenantId: 't1', mailFrom: 'news@sender.test', sendingDomain: 'sender.test', recipients: to.map((address) => ({ address })), content: message(to, subject),
  })
  h.delivery.kick()
  return inserted.messageId
}

/** Waits until every recipient of the message has had `attempts` attempts (and is no longer leased). */
async function settled(messageId: string, attempts = 1, timeoutMs = 5000): Promise<MessageView> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const view = (await h.store.getMessage(messageId))!
    if (view.recipients.every((r) => r.attemptCount >= attempts && r.state !== 'leased')) return view
    if (performance.now() > deadline) assert.fail(`message ${messageId} not settled after ${timeoutMs} ms: ${JSON.stringify(view.recipients.map((r) => [r.address, r.state, r.attemptCount]))}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const resolverForMailauth = (resolver: Resolver) => async (name: string, rrtype: string): Promise<string[][]> => {
  try {
    if (rrtype === 'TXT') return await resolver.txt(name)
  } catch (error) {
    if (error instanceof DnsError && (error.failure === 'NXDOMAIN' || error.failure === 'NODATA')) throw Object.assign(new Error(error.message), { code: 'ENOTFOUND' })
    throw error
  }
  throw Object.assign(new Error(`no ${rrtype} for ${name}`), { code: 'ENOTFOUND' })
}

describe('delivery end to end', () => {
  it('delivers over STARTTLS with RSA and Ed25519 DKIM signatures that mailauth verifies at the sink', async () => {
    const id = await send(['alice@receiver.test'], 'dkim')
    const view = await settled(id)
    assert.equal(view.recipients[0].state, 'delivered')
    const got = h.good.received.find((m) => m.recipients.includes('alice@receiver.test'))!
    assert.equal(got.tls, true)
    const result = await dkimVerify(got.body!, { resolver: resolverForMailauth(h.resolver), curTime: new Date(clock.now() + MINUTE) } as Parameters<typeof dkimVerify>[1])
    const statuses = result.results.map((r) => [r.status.result, r.signingDomain])
    assert.deepEqual(statuses, [['pass', 'sender.test'], ['pass', 'sender.test']])
    // one signature per key: the RSA and the Ed25519 selector
    const selectors = result.results.map((r) => r.selector).sort()
    assert.deepEqual(selectors, Object.keys(h.dkimZone).map((name) => name.split('.')[0]).sort())
    assert.ok(h.events.some((e) => e.event === 'delivered' && e.recipientId === view.recipients[0].id && e.mxHost === 'mx1.receiver.test'))
  })

  it('uses a VERP return path at the sink that decodes to the recipient id', async () => {
    const id = await send(['verp@receiver.test'], 'verp')
    const view = await settled(id)
    const got = h.good.received.find((m) => m.recipients.includes('verp@receiver.test'))!
    assert.match(got.mailFrom, /^bounce\+r[0-9a-z]+-[a-z2-7]+@bounces\.sender\.test$/)
    assert.deepEqual(decodeVerp(got.mailFrom, { secret: VERP_SECRET }), { kind: 'recipient', id: view.recipients[0].id })
  })

  it('sends a message\'s recipients at one domain in one SMTP transaction', async () => {
    const to = ['m1@receiver.test', 'm2@receiver.test', 'm3@receiver.test']
    const id = await send(to, 'multi')
    const view = await settled(id)
    assert.deepEqual(view.recipients.map((r) => r.state), ['delivered', 'delivered', 'delivered'])
    const transactions = h.good.received.filter((m) => m.recipients.some((r) => to.includes(r)))
    assert.equal(transactions.length, 1)
    assert.deepEqual([...transactions[0].recipients].sort(), to)
    assert.deepEqual(decodeVerp(transactions[0].mailFrom, { secret: VERP_SECRET }), { kind: 'message', id })
  })

  it('tries the next MX host when the first refuses the connection', async () => {
    const id = await send(['next@fallback.test'], 'fallback')
    const view = await settled(id)
    assert.equal(view.recipients[0].state, 'delivered')
    assert.equal(view.recipients[0].attempts[0].mxHost, 'mx1.receiver.test')
  })

  it('fails an unknown user for good with reason userunknown and a hard bounce', async () => {
    const id = await send(['unknown-550@receiver.test'], 'unknown')
    const view = await settled(id)
    const recipient = view.recipients[0]
    assert.equal(recipient.state, 'failed')
    assert.equal(recipient.attempts[0].replyCode, '550')
    assert.equal(recipient.attempts[0].enhancedStatus, '5.1.1')
    assert.equal(recipient.attempts[0].verdict?.reason, 'userunknown')
    const event = h.events.find((e) => e.event === 'failed' && e.recipientId === recipient.id)!
    assert.equal(event.reason, 'userunknown')
    assert.equal(event.hardBounce, true)
    assert.equal(event.action, 'suppress_address')
  })

  it('fails a domain with a null MX as notaccept', async () => {
    const id = await send(['someone@nullmx.test'], 'nullmx')
    const recipient = (await settled(id)).recipients[0]
    assert.equal(recipient.state, 'failed')
    assert.equal(recipient.attempts[0].verdict?.reason, 'notaccept')
  })

  it('fails a domain that does not exist as hostunknown', async () => {
    const id = await send(['someone@nowhere.test'], 'nxdomain')
    const recipient = (await settled(id)).recipients[0]
    assert.equal(recipient.state, 'failed')
    assert.equal(recipient.attempts[0].verdict?.reason, 'hostunknown')
    assert.equal(h.events.find((e) => e.event === 'failed' && e.recipientId === recipient.id)?.hardBounce, true)
  })

  it('defers a domain whose DNS answers SERVFAIL', async () => {
    const id = await send(['someone@broken.test'], 'servfail')
    const recipient = (await settled(id)).recipients[0]
    assert.equal(recipient.state, 'deferred')
    assert.equal(recipient.attempts[0].verdict?.reason, 'networkerror')
    assert.ok(recipient.nextAttemptAtMs > clock.now())
  })

  it('refuses to deliver, under MTA-STS enforce, to an MX host without a valid certificate', async () => {
    const id = await send(['someone@sts.test'], 'mta-sts')
    const recipient = (await settled(id)).recipients[0]
    assert.equal(recipient.state, 'deferred')
    assert.equal(recipient.attempts[0].verdict?.reason, 'failedstarttls')
    assert.match(recipient.attempts[0].replyText ?? '', /certificate|TLS/i)
    assert.equal(h.sts.received.length, 0)
  })

  it('retries a 421 on schedule, and delivers a greylisted recipient on its retry', async () => {
    const tempfail = await send(['tempfail-421@receiver.test'], 'tempfail')
    const greylist = await send(['greylist@receiver.test'], 'greylist')
    const first = (await settled(tempfail)).recipients[0]
    const grey = (await settled(greylist)).recipients[0]
    assert.equal(first.state, 'deferred')
    assert.equal(first.attempts[0].replyCode, '421')
    const delayMs = first.nextAttemptAtMs - first.attempts[0].atMs
    assert.ok(delayMs >= 4 * MINUTE && delayMs <= 6 * MINUTE, `first retry after ${delayMs} ms; expected 5 min ± 20%`)
    assert.equal(grey.state, 'deferred')
    assert.equal(grey.attempts[0].verdict?.reason, 'greylisted')

    // nothing happens before the retry is due
    h.delivery.kick()
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal((await h.store.getMessage(tempfail))!.recipients[0].attemptCount, 1)

    clock.advance(7 * MINUTE)
    h.delivery.kick()
    const retried = (await settled(tempfail, 2)).recipients[0]
    assert.equal(retried.state, 'deferred')
    const secondDelayMs = retried.nextAttemptAtMs - retried.attempts[1].atMs
    assert.ok(secondDelayMs >= 8 * MINUTE && secondDelayMs <= 12 * MINUTE, `second retry after ${secondDelayMs} ms; expected 10 min ± 20%`)
    const delivered = (await settled(greylist, 2)).recipients[0]
    assert.equal(delivered.state, 'delivered')
  })

  it('starts the SMTP transaction within 50 ms (median) of a kick when idle', async () => {
    const latencies: number[] = []
    for (let i = 0; i < 9; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      const address = `latency${i}@receiver.test`
      const before = h.good.received.length
      const inserted = await h.store.insertMessage({ tenantId: 't1', mailFrom: 'news@sender.test', sendingDomain: 'sender.test', recipients: [{ address }], content: message([address], `latency${i}`) })
      const start = performance.now()
      h.delivery.kick()
      await h.good.waitFor(before + 1, 2000)
      latencies.push(performance.now() - start)
      await settled(inserted.messageId)
    }
    latencies.sort((a, b) => a - b)
    // the sink records the message after its DATA: an upper bound on the time to MAIL FROM
    assert.ok(latencies[4] <= 50, `median ${latencies[4].toFixed(1)} ms from kick to the message at the sink`)
  })
})

describe('delivery under a shaping policy that says wait', () => {
  it('gives the recipients back untried, due when the policy said, and stops cleanly', async (t) => {
    const folder = await mkdtemp(join(tmpdir(), 'todoku-delivery-wait-'))
    const waitClock = createManualClock(Date.now())
    const store = await openSqliteStore({ path: folder, clock: waitClock, random: createSeededRandom(3) })
    t.after(async () => {
      store.close()
      await rm(folder, { recursive: true, force: true })
    })
    const untilMs = waitClock.now() + 30 * MINUTE
    const asked: string[] = []
    const delivery = startDelivery({
      store,
      dns: createZoneResolver({ 'receiver.test': { MX: [[10, 'mx1.receiver.test']] }, 'mx1.receiver.test': { A: ['127.0.0.2'] } }),
      clock: waitClock,
      random: createSeededRandom(4),
      classifyReply,
      shaping: {
        decide: (request) => {
          asked.push(`${request.site} ${request.pool.name} ${request.recipients}`)
          return { kind: 'wait', untilMs }
        },
        record: () => assert.fail('nothing was sent, so nothing is recorded'),
      },
      log: () => {},
      config: {
        egress: { sources: [{ name: 's', ehloName: 'mta.sender.test' }], pools: [{ name: 'warmup', kind: 'dedicated', sources: ['s'] }], defaultPool: 'warmup' },
        mxPort: 2525,
      },
    })
    const inserted = await store.insertMessage({
      tenantId: 't1', mailFrom: 'news@sender.test', sendingDomain: 'sender.test',
      recipients: [{ address: 'a@receiver.test' }, { address: 'b@receiver.test' }], content: message(['a@receiver.test'], 'wait'),
    })
    delivery.kick()
    const deadline = performance.now() + 3000
    while (delivery.stats().released < 2 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    await delivery.stop()
    assert.deepEqual(asked, ['mx1.receiver.test warmup 2'])
    const view = (await store.getMessage(inserted.messageId))!
    assert.deepEqual(view.recipients.map((r) => [r.state, r.attemptCount, r.nextAttemptAtMs]), [['queued', 0, untilMs], ['queued', 0, untilMs]])
  })
})
