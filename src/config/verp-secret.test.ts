import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { resolveVerpSecret } from './verp-secret.ts'

test('a VERP secret is generated once into the data folder and read back on the next start', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-verp-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const dataDir = join(dir, 'data')
  const first = resolveVerpSecret(undefined, dataDir)
  assert.ok(first.length >= 40)
  assert.equal(resolveVerpSecret(undefined, dataDir), first)
  assert.equal(statSync(join(dataDir, 'verp-secret')).mode & 0o777, 0o600)
})

test('a configured VERP secret is used as given and nothing is written', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-verp-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  assert.equal(resolveVerpSecret('s3cret-s3cret-s3cret', join(dir, 'none')), 's3cret-s3cret-s3cret')
  assert.throws(() => statSync(join(dir, 'none')))
})
