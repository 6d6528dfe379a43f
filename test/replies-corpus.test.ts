// The labelled provider replies in ../shared/corpus/replies, read in place (never copied here).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { classifyReply } from '../src/bounce/classify-reply.ts'
import { Reason } from '../src/bounce/reason.ts'

const CORPUS = fileURLToPath(new URL('../../shared/corpus/replies/replies-dev.jsonl', import.meta.url))

interface Row {
  readonly id: string
  readonly provider: string
  readonly reply: string
  readonly reason: string
  readonly hard: boolean
  readonly action: string
}

test('classifies the labelled provider replies: reason ≥ 0.90, permanent ≥ 0.97, action ≥ 0.85', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`${CORPUS} is absent: the shared reply corpus lives beside the repository`)
    return
  }
  const rows = readFileSync(CORPUS, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Row)
  let reason = 0
  let permanent = 0
  let action = 0
  const misses: string[] = []
  for (const row of rows) {
    const verdict = classifyReply(row.reply.split(/\r?\n/).join(' '))
    const label = Reason.parse(row.reason)
    if (verdict.reason === label) reason++
    else misses.push(`${row.id} ${row.provider}: ${row.reason} read as ${verdict.reason} by ${verdict.rule.id}`)
    if (verdict.permanent === row.hard) permanent++
    if (verdict.action === row.action) action++
  }
  const n = rows.length
  const report = `reason ${(reason / n).toFixed(3)} permanent ${(permanent / n).toFixed(3)} action ${(action / n).toFixed(3)} of ${n}\n${misses.join('\n')}`
  t.diagnostic(report.split('\n')[0])
  assert.ok(reason / n >= 0.9, report)
  assert.ok(permanent / n >= 0.97, report)
  assert.ok(action / n >= 0.85, report)
})
