// `node bench/delivery.ts [--count 20000] [--size 10240] [--connections 10] [--no-tls] [--only none|rsa]`:
// how fast startDelivery drains a durable queue to a sink on loopback.
//
// For each run (without DKIM, then with RSA-2048 DKIM): a fresh SQLite store in a temp folder,
// N messages of `size` bytes inserted (one recipient each, distinct addresses; not timed),
// then startDelivery is started and kicked, and the clock runs until every recipient is
// recorded as delivered in the store (outcomes committed). DNS is the loopback DNS server;
// the sink runs in a worker thread (on a two-core machine it takes about one core).
// The last line is the summary, exactly:
//   delivery-msgs-per-s-dkim-rsa R delivery-msgs-per-s-no-dkim N count C
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { classifyReply } from '../src/bounce/index.ts'
import { createSeededRandom, systemClock } from '../src/core/index.ts'
import { generateDkimKeys } from '../src/dkim/index.ts'
import { createNodeResolver } from '../src/dns/index.ts'
import { startDelivery } from '../src/delivery/index.ts'
import { startDnsServer, startSinkServer } from '../src/sim/index.ts'
import { openSqliteStore } from '../src/store/index.ts'

if (!isMainThread) {
  const sink = await startSinkServer({ host: '127.0.0.2', tls: (workerData as { tls: boolean }).tls })
  parentPort!.postMessage({ host: sink.host, port: sink.port })
  parentPort!.on('message', async () => {
    const received = sink.received.length
    await sink.close()
    parentPort!.postMessage({ received })
    parentPort!.close()
  })
} else {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '20000' },
      size: { type: 'string', default: '10240' },
      connections: { type: 'string', default: '10' },
      'no-tls': { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  })
  const count = Number(values.count)
  const sizeBytes = Number(values.size)
  const tls = !values['no-tls']

  const worker = new Worker(new URL(import.meta.url), { workerData: { tls } })
  const sink = await new Promise<{ host: string; port: number }>((resolve) => worker.once('message', resolve))
  const dns = await startDnsServer({
    'receiver.test': { MX: [[10, 'mx.receiver.test']] },
    'mx.receiver.test': { A: [sink.host] },
  })
  const keys = await generateDkimKeys('sender.test', { rsaBits: 2048 })

  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'
  function content(i: number): Buffer {
    const header = `From: bench@sender.test\r\nTo: user${i}@receiver.test\r\nSubject: bench ${i}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${i}.bench@sender.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n`
    return Buffer.from(header + line.repeat(Math.max(1, Math.ceil((sizeBytes - header.length) / line.length)))).subarray(0, sizeBytes)
  }

  async function run(dkim: 'none' | 'rsa'): Promise<number> {
    const folder = await mkdtemp(join(tmpdir(), 'todoku-bench-delivery-'))
    const store = await openSqliteStore({ path: folder, clock: systemClock, random: createSeededRandom(1) })
    await store.putDomain({
      name: 'sender.test', tenantId: 't1', requireTls: false,
      dkimKeys: dkim === 'rsa' ? [{ selector: keys.rsa.selector, algorithm: 'rsa-sha256', privateKeyPem: keys.rsa.privateKeyPem }] : [],
    })
    const insertStarted = performance.now()
    const PARALLEL = 256
    for (let start = 0; start < count; start += PARALLEL) {
      const batch: Promise<unknown>[] = []
      for (let i = start; i < Math.min(count, start + PARALLEL); i++) {
        batch.push(store.insertMessage({ tenantId: 't1', mailFrom: 'bench@sender.test', sendingDomain: 'sender.test', recipients: [{ address: `user${i}@receiver.test` }], content: content(i) }))
      }
      await Promise.all(batch)
    }
    const insertS = (performance.now() - insertStarted) / 1000

    // time spent inside the store's delivery calls (synchronous in node:sqlite: the event loop waits)
    const storeMs = { claimDue: 0, recordOutcomes: 0 }
    const storeCalls = { claimDue: 0, recordOutcomes: 0 }
    for (const name of ['claimDue', 'recordOutcomes'] as const) {
      const original = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>
      ;(store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        const t0 = performance.now()
        try {
          return await original(...args)
        } finally {
          storeMs[name] += performance.now() - t0
          storeCalls[name]++
        }
      }
    }
    let errors = 0
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const loopBefore = performance.eventLoopUtilization()
    const delivery = startDelivery({
      store,
      dns: createNodeResolver({ servers: [dns.address] }),
      clock: systemClock,
      random: createSeededRandom(2),
      classifyReply,
      log: (event) => {
        if (event.event !== 'delivered') errors++
        if (errors > 0 && errors <= 3) console.error(JSON.stringify(event))
      },
      config: {
        egress: { sources: [{ name: 'bench', address: '127.0.0.1', ehloName: 'bench.sender.test' }], pools: [{ name: 'p', kind: 'shared', sources: ['bench'] }], defaultPool: 'p' },
        mxPort: sink.port,
        maxConnectionsPerHost: Number(values.connections),
        maxMessagesPerConnection: 1000,
        tls: tls ? 'opportunistic' : 'none',
        connectTimeoutMs: 5000, commandTimeoutMs: 10_000, dataTimeoutMs: 10_000,
      },
    })
    delivery.kick()
    // the engine's own counters say when every outcome is decided and written; the store confirms below
    for (;;) {
      const stats = delivery.stats()
      if (stats.delivered + stats.failed + stats.deferred + stats.expired >= count && stats.unwrittenOutcomes === 0 && stats.inFlightGroups === 0) {
        const counts = await store.countRecipientsByState()
        if (counts.delivered + counts.failed + counts.deferred >= count) break
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const elapsedS = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const loop = performance.eventLoopUtilization(loopBefore)
    const counts = await store.countRecipientsByState()
    await delivery.stop()
    store.close()
    await rm(folder, { recursive: true, force: true })
    const rate = count / elapsedS
    console.log(`dkim ${dkim}: inserted ${count} in ${insertS.toFixed(1)} s (${Math.round(count / insertS)}/s); delivered ${counts.delivered}, failed ${counts.failed}, deferred ${counts.deferred} in ${elapsedS.toFixed(2)} s: ${Math.round(rate)} msgs/s; main process CPU ${((cpu.user + cpu.system) / 1000 / (elapsedS * 1000) * 100).toFixed(0)}% of a core (incl. sink thread + signing pool), event loop busy ${(loop.utilization * 100).toFixed(0)}%; in the store: claimDue ${Math.round(storeMs.claimDue)} ms in ${storeCalls.claimDue} calls, recordOutcomes ${Math.round(storeMs.recordOutcomes)} ms in ${storeCalls.recordOutcomes} calls`)
    return rate
  }

  const noDkim = values.only === 'rsa' ? NaN : await run('none')
  const rsa = values.only === 'none' ? NaN : await run('rsa')
  worker.postMessage('stop')
  await new Promise((resolve) => worker.once('message', resolve))
  await worker.terminate()
  await dns.close()
  console.log(`delivery-msgs-per-s-dkim-rsa ${Math.round(rsa)} delivery-msgs-per-s-no-dkim ${Math.round(noDkim)} count ${count}`)
}
