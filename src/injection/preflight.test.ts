// The content preflight at injection: per the account's policy, findings are ignored (off),
// stored with the message and answered (warn), or refuse the message (reject).
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createPreflight, ScannerError, type ContentScanner, type PreflightPolicy } from '../content/index.ts'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { createInjector, PREFLIGHT_METADATA_KEY, type InjectRequest } from './index.ts'

async function setUp(t: TestContext, preflightPolicy: PreflightPolicy, scanners: ContentScanner[] = []) {
  const clock = createManualClock(Date.UTC(2026, 10, 2, 0, 0))
  const random = createSeededRandom(7)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const injector = createInjector({ store, clock, random, preflight: createPreflight({ scanners }), preflightPolicy })
  return { store, inject: (request: Omit<InjectRequest, 'tenantId'>) => injector.inject({ tenantId: 'tenant-a', ...request }) }
}

/** A raw message without Date and Message-ID: prepareRawMessage adds both, so it is clean… */
const RAW_CLEAN = Buffer.from('From: Shop <news@example.jp>\r\nTo: taro@example.net\r\nSubject: Hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nYour order has shipped.\r\n')
/** …and this one carries an executable. */
const RAW_EXE = Buffer.from('From: Shop <news@example.jp>\r\nTo: taro@example.net\r\nSubject: Invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: application/octet-stream; name="invoice.pdf.exe"\r\nContent-Disposition: attachment; filename="invoice.pdf.exe"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVo=\r\n--b--\r\n')
const ENVELOPE = { mailFrom: 'news@example.jp', recipients: ['taro@example.net'] }

test('warn: a bulk message without List-Unsubscribe is queued, the findings answered and stored in the metadata', async (t) => {
  const { inject, store } = await setUp(t, { default: 'warn' })
  const result = await inject({ message: { from: 'Shop <news@example.jp>', to: 'taro@example.net', subject: 'News', text: 'Autumn news.' }, bulk: true })
  assert.ok(result.ok, JSON.stringify(result))
  assert.deepEqual(result.findings?.map((finding) => finding.id), ['unsubscribe.header-missing', 'unsubscribe.body-opt-out-missing'])
  const stored = await store.getMessage(result.messageId)
  const findings = JSON.parse(stored!.metadata[PREFLIGHT_METADATA_KEY]) as { id: string }[]
  assert.deepEqual(findings.map((finding) => finding.id), ['unsubscribe.header-missing', 'unsubscribe.body-opt-out-missing'])
})

test('a clean message is queued with no findings and no preflight metadata', async (t) => {
  const { inject, store } = await setUp(t, { default: 'warn' })
  const result = await inject({ raw: RAW_CLEAN, envelope: ENVELOPE })
  assert.ok(result.ok, JSON.stringify(result))
  assert.equal(result.findings, undefined)
  assert.equal((await store.getMessage(result.messageId))!.metadata[PREFLIGHT_METADATA_KEY], undefined)
})

test('reject: a double extension refuses the message with 422 content_rejected, stores nothing', async (t) => {
  const { inject, store } = await setUp(t, { default: 'warn', checks: { attachment: 'reject' } })
  const result = await inject({ raw: RAW_EXE, envelope: ENVELOPE, idempotencyKey: 'k1' })
  assert.equal(result.ok, false)
  assert.ok(!result.ok)
  assert.equal(result.status, 422)
  assert.equal(result.code, 'content_rejected')
  assert.deepEqual(result.errors.map((error) => error.field), ['content.attachment.double-extension'])
  assert.equal(result.findings?.[0].id, 'attachment.double-extension')
  assert.equal((await store.countRecipientsByState()).queued, 0)
})

test('off: the same check switched off lets the message through without that finding', async (t) => {
  const { inject } = await setUp(t, { default: 'reject', checks: { attachment: 'off' } })
  const result = await inject({ raw: RAW_EXE, envelope: ENVELOPE })
  assert.ok(result.ok, JSON.stringify(result))
  assert.equal(result.findings, undefined)
})

test('a scanner the policy rejects on that cannot be asked refuses temporarily (503); one only warned about adds an info finding', async (t) => {
  const down: ContentScanner = { name: 'clamav', scan: async () => { throw new ScannerError('CONTENT_SCANNER_TIMEOUT', 'clamav', 'asking clamav: no answer within 10 ms') } }
  const rejecting = await setUp(t, { default: 'warn', checks: { 'scanner.virus': 'reject' } }, [down])
  const refused = await rejecting.inject({ raw: RAW_CLEAN, envelope: ENVELOPE })
  assert.ok(!refused.ok)
  assert.equal(refused.status, 503)
  assert.equal(refused.code, 'content_check_unavailable')
  const warning = await setUp(t, { default: 'warn' }, [down])
  const queued = await warning.inject({ raw: RAW_CLEAN, envelope: ENVELOPE })
  assert.ok(queued.ok)
  assert.deepEqual(queued.findings?.map((finding) => [finding.id, finding.severity]), [['scanner.unavailable', 'info']])
})

test('a virus verdict joins the findings and refuses under reject', async (t) => {
  const infected: ContentScanner = { name: 'clamav', scan: async () => [{ id: 'scanner.virus', where: {}, vars: { signature: 'Eicar-Test-Signature' } }] }
  const { inject } = await setUp(t, { default: 'warn', checks: { 'scanner.virus': 'reject' } }, [infected])
  const result = await inject({ raw: RAW_CLEAN, envelope: ENVELOPE })
  assert.ok(!result.ok)
  assert.equal(result.errors[0].message, 'ClamAV found Eicar-Test-Signature')
})

test('checks that cannot run (the lint threads are gone) answer 503 content_check_unavailable and store nothing', async (t) => {
  const clock = createManualClock(Date.UTC(2026, 10, 2, 0, 0))
  const random = createSeededRandom(7)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const preflight = createPreflight({ threads: 1, inlineMaxBytes: 0 })
  const injector = createInjector({ store, clock, random, preflight, preflightPolicy: { default: 'warn' } })
  assert.ok((await injector.inject({ tenantId: 'tenant-a', raw: RAW_CLEAN, envelope: ENVELOPE })).ok, 'linted on the thread')
  await preflight.close()
  const result = await injector.inject({ tenantId: 'tenant-a', raw: RAW_CLEAN, envelope: ENVELOPE })
  assert.equal(result.ok, false)
  assert.ok(!result.ok && result.status === 503 && result.code === 'content_check_unavailable', JSON.stringify(result))
  assert.equal((await store.countRecipientsByState()).queued, 1, 'only the first message was queued')
})
