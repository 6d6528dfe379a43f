import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { test } from 'node:test'
import { systemClock, systemRandom } from '../../core/index.ts'
import { openSqliteStore } from './open-sqlite-store.ts'

const CHILD = join(import.meta.dirname, 'crash-safety-child.ts')

/** Run the child until it has acknowledged `ackCount` inserts, SIGKILL it, and return what it acknowledged. */
function insertUntilKilled(path: string, ackCount: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'pipe', 'inherit'] })
    const acknowledged = new Map<string, number>()
    let buffered = ''
    let isKilled = false
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const [id, count] = line.split(' ')
        acknowledged.set(id, Number(count))
      }
      if (!isKilled && acknowledged.size >= ackCount) {
        isKilled = true
        child.kill('SIGKILL')
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged)
      else reject(new Error(`the insert child exited by itself (code ${code}) after ${acknowledged.size} inserts`))
    })
  })
}

test('after a SIGKILL mid-insert, every acknowledged message is there whole and no message is half-stored', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'todoku-crash-'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  const path = join(root, 'todoku.db')
  for (const ackCount of [150, 400]) {
    const acknowledged = await insertUntilKilled(path, ackCount)
    assert.ok(acknowledged.size >= ackCount)

    const store = await openSqliteStore({ path, clock: systemClock, random: systemRandom })
    for (const [id, count] of acknowledged) {
      const message = await store.getMessage(id)
      assert.ok(message, `acknowledged message ${id} is missing`)
      assert.equal(message.recipients.length, count, `acknowledged message ${id} has ${message.recipients.length} of ${count} recipients`)
    }
    await store.close()

    const db = new DatabaseSync(path, { readOnly: true })
    const rows = db.prepare(
      `SELECT m.id, m.metadata, (SELECT count(*) FROM recipients r WHERE r.message_id = m.id) AS recipients,
              (SELECT count(*) FROM message_contents c WHERE c.message_id = m.id) AS contents
       FROM messages m`,
    ).all() as { id: string; metadata: string; recipients: number; contents: number }[]
    db.close()
    for (const row of rows) {
      const expected = Number((JSON.parse(row.metadata) as { recipients: string }).recipients)
      assert.equal(row.recipients, expected, `message ${row.id} was half-stored`)
      assert.equal(row.contents, 1, `message ${row.id} lost its content`)
    }
    assert.ok(rows.length >= acknowledged.size)
  }
})
