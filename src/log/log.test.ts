import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createManualClock, TodokuError } from '../core/index.ts'
import { createJsonLog, formatLogLine } from './index.ts'

test('a log line is one JSON object with level, time and event first, then the fields', () => {
  const line = formatLogLine('info', '2026-01-02T03:04:05.000Z', 'api.listening', { port: 8580, host: '127.0.0.1' })
  assert.equal(line, '{"level":"info","time":"2026-01-02T03:04:05.000Z","event":"api.listening","port":8580,"host":"127.0.0.1"}')
})

test('an error in the fields is written as its name, code and message', () => {
  const line = formatLogLine('error', 't', 'x', { error: new TodokuError('STORE_CLOSED', 'closed') })
  assert.deepEqual(JSON.parse(line).error, { name: 'TodokuError', code: 'STORE_CLOSED', message: 'closed' })
})

test('fields cannot overwrite level, time or event', () => {
  const parsed = JSON.parse(formatLogLine('warn', 't', 'e', { level: 'debug', event: 'other', n: 1 }))
  assert.deepEqual(parsed, { level: 'warn', time: 't', event: 'e', n: 1 })
})

test('lines below the configured level are dropped and the rest written together on flush', () => {
  const chunks: string[] = []
  const { log, flush } = createJsonLog({ level: 'info', clock: createManualClock(0), write: (chunk) => chunks.push(chunk) })
  log('debug', 'noise')
  log('info', 'one')
  log('error', 'two', { n: 2 })
  assert.equal(chunks.length, 0)
  flush()
  assert.equal(chunks.length, 1)
  const lines = chunks[0].trimEnd().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(lines.map((l) => l.event), ['one', 'two'])
  assert.equal(lines[0].time, '1970-01-01T00:00:00.000Z')
})
