import { checkStructuredMessage, composeMessage } from './index.ts'
import { openSqliteStore } from '../store/index.ts'
import { systemClock, systemRandom } from '../core/index.ts'
const text = 'x'.repeat(70) + '\n'
const msg = { from: 'x@example.jp', to: ['u@c.jp'], subject: 'hi', text: text.repeat(140) }
const N = 2000
let t0 = performance.now()
for (let i = 0; i < N; i++) { const c = checkStructuredMessage(msg); if (c.ok) await composeMessage(c.message, { nowMs: Date.now(), messageId: '<a@b>', boundary: 'x' }) }
console.log('compose seq per msg ms', (performance.now() - t0) / N)
t0 = performance.now()
await Promise.all(Array.from({ length: N }, async () => { const c = checkStructuredMessage(msg); if (c.ok) await composeMessage(c.message, { nowMs: Date.now(), messageId: '<a@b>', boundary: 'x' }) }))
console.log('compose par per msg ms', (performance.now() - t0) / N)
const store = await openSqliteStore({ path: '/tmp/inj-bench-' + process.pid, clock: systemClock, random: systemRandom })
const content = Buffer.alloc(10000, 'x')
t0 = performance.now()
await Promise.all(Array.from({ length: N }, (_, i) => store.insertMessage({ tenantId: 't', mailFrom: 'a@b.jp', sendingDomain: 'b.jp', recipients: [{ address: `u${i}@c.jp` }], content })))
console.log('insert par msgs/s', N / ((performance.now() - t0) / 1000))
await store.close()
