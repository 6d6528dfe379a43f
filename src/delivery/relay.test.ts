// A relay (smarthost): every recipient domain's mail goes to one host, whatever DNS says.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { classifyReply } from '../bounce/index.ts'
import { createSeededRandom, systemClock } from '../core/index.ts'
import { createZoneResolver } from '../dns/index.ts'
import { startSinkServer } from '../sim/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { createMtaStsPolicyCache, startDelivery } from './index.ts'

test('with a relay host, mail to domains that have no MX at all (and an MTA-STS policy) reaches the relay', async (t) => {
  const sink = await startSinkServer({ host: '127.0.0.5', tls: false })
  t.after(() => sink.close())
  const folder = await mkdtemp(join(tmpdir(), 'todoku-relay-'))
  t.after(() => rm(folder, { recursive: true, force: true }))
  const store = await openSqliteStore({ path: folder, clock: systemClock, random: createSeededRandom(1) })
  t.after(() => store.close())
  // DNS knows nothing of the recipient domains: with MX routing every one would fail
  const dns = createZoneResolver({ '_mta-sts.enforced.test': { TXT: ['v=STSv1; id=1'] } })
  const mtaSts = createMtaStsPolicyCache({
    dns,
    clock: systemClock,
    fetchPolicy: async () => 'version: STSv1\r\nmode: enforce\r\nmx: mx.enforced.test\r\nmax_age: 86400\r\n',
  })
  const delivery = startDelivery({
    store, dns, mtaSts, clock: systemClock, random: createSeededRandom(2), classifyReply, log: () => {},
    config: {
      egress: { sources: [{ name: 'default', ehloName: 'mta.sender.test' }], pools: [{ name: 'default', kind: 'shared', sources: ['default'] }], defaultPool: 'default' },
      relay: { host: sink.host, port: sink.port },
      tls: 'none',
      maxIdleSleepMs: 50,
    },
  })
  t.after(() => delivery.stop())
  const recipients = ['a@nowhere.test', 'b@elsewhere.test', 'c@enforced.test']
  for (const address of recipients) {
    await store.insertMessage({
      tenantId: 't1', mailFrom: 'news@sender.test', sendingDomain: 'sender.test', recipients: [{ address }],
      content: Buffer.from(`From: news@sender.test\r\nTo: ${address}\r\nSubject: relay\r\n\r\nhello\r\n`),
    })
  }
  delivery.kick()
  await sink.waitFor(recipients.length, 5000)
  assert.deepEqual(sink.received.flatMap((m) => m.recipients).sort(), recipients)
})
