// The process crash-safety.test.ts kills: it inserts messages with 1–5 recipients from 32
// concurrent callers, forever, and prints "<messageId> <recipientCount>" once each insert's
// promise has resolved (the commit is on disk). Stdout is a pipe, written synchronously on
// Linux, so a printed line was acknowledged before any later kill.
import { systemClock, systemRandom } from '../../core/index.ts'
import { openSqliteStore } from './open-sqlite-store.ts'

const path = process.argv[2]
if (path === undefined) throw new Error('usage: crash-safety-child.ts <database path>')
const store = await openSqliteStore({ path, clock: systemClock, random: systemRandom })
const content = new Uint8Array(4_096).fill(0x61)
let next = 0

async function insertForever(): Promise<never> {
  for (;;) {
    const n = next++
    const count = 1 + (n % 5)
    const recipients = Array.from({ length: count }, (_, i) => ({ address: `r${n}-${i}@crash.test` }))
    const inserted = await store.insertMessage({
      tenantId: 'crash', mailFrom: 'a@crash.test', sendingDomain: 'crash.test', recipients, content, metadata: { recipients: String(count) },
    })
    process.stdout.write(`${inserted.messageId} ${count}\n`)
  }
}

await Promise.all(Array.from({ length: 32 }, insertForever))
