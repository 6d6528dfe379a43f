// Against the real spamd from Debian's spamassassin package, on loopback, with a local
// config (no network tests, no Bayes) and one made-up rule. Skips when spamd is not installed.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ScannerError } from './scanner.ts'
import { createSpamdScanner, parseSpamdReply } from './spamd.ts'

const SPAMD = '/usr/sbin/spamd'
const skip = existsSync(SPAMD) ? false : 'spamd is not installed (apt-get install spamassassin)'

const SPAMMY = Buffer.from('From: a@example.jp\r\nSubject: hi\r\n\r\nthis has todoku-spam-test-pattern in it.\r\n')
const CLEAN = Buffer.from('From: Shop <a@example.jp>\r\nTo: b@example.net\r\nSubject: your order\r\nDate: Mon, 02 Nov 2026 09:00:00 +0900\r\nMessage-ID: <20261102.order-1234@example.jp>\r\n\r\nYour order has shipped.\r\n')

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`spamd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`)
}

test('spamd over SPAMC/1.5: a message hitting a rule is spam with its symbols, a plain one is not', { skip, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-spamd-'))
  // spamd's children run as nobody (-u nobody) and must read the config
  chmodSync(dir, 0o755)
  for (const name of readdirSync('/etc/spamassassin')) if (name.endsWith('.pre')) copyFileSync(join('/etc/spamassassin', name), join(dir, name))
  writeFileSync(join(dir, 'local.cf'), [
    'use_bayes 0', 'skip_rbl_checks 1', 'dns_available no',
    'body TODOKU_SPAM_TEST /todoku-spam-test-pattern/', 'score TODOKU_SPAM_TEST 100',
  ].join('\n') + '\n')
  const port = await freePort()
  const daemon = spawn(SPAMD, [`--listen=127.0.0.1:${port}`, `--siteconfigpath=${dir}`, '-L', '--max-children=1', '-u', 'nobody', '-x', '--syslog=stderr'], { stdio: 'ignore' })
  t.after(async () => {
    const exited = new Promise((resolve) => daemon.once('exit', resolve))
    daemon.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })
  await waitForPort(port, 30_000)
  const scanner = createSpamdScanner({ host: '127.0.0.1', port, timeoutMs: 30_000 })
  const [spam] = await scanner.scan(SPAMMY)
  assert.equal(spam.id, 'scanner.spam')
  assert.match(String(spam.vars?.symbols), /TODOKU_SPAM_TEST/)
  assert.ok(Number(spam.vars?.score) >= 100)
  const [clean] = await scanner.scan(CLEAN)
  assert.equal(clean.id, 'scanner.spam-score')
  assert.ok(Number(clean.vars?.score) < 5)
})

test('a spamd that never answers fails temporary within the timeout', async (t) => {
  // half-open allowed: the client's end of request must not close the server's side
  const server = createServer({ allowHalfOpen: true }, (socket) => socket.on('data', () => {}))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  server.on('connection', (socket) => t.after(() => socket.destroy()))
  const scanner = createSpamdScanner({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, timeoutMs: 200 })
  const started = Date.now()
  await assert.rejects(scanner.scan(CLEAN), (error: unknown) => error instanceof ScannerError && error.code === 'CONTENT_SCANNER_TIMEOUT' && error.temporary)
  assert.ok(Date.now() - started < 2000)
})

test('a refused connection is a temporary ScannerError naming the address', async () => {
  const port = await freePort()
  const scanner = createSpamdScanner({ host: '127.0.0.1', port, timeoutMs: 2000 })
  await assert.rejects(scanner.scan(CLEAN), (error: unknown) => error instanceof ScannerError && error.code === 'CONTENT_SCANNER_UNAVAILABLE' && error.message.includes(`127.0.0.1:${port}`))
})

test('messages over the size limit are not sent (as spamc -s does)', async () => {
  const scanner = createSpamdScanner({ host: '127.0.0.1', port: 1, timeoutMs: 100, maxMessageBytes: 10 })
  assert.deepEqual(await scanner.scan(CLEAN), [])
})

test('parseSpamdReply reads the Spam header and the symbol list; an error status throws', () => {
  const hit = parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nContent-length: 25\r\nSpam: True ; 15.2 / 5.0\r\n\r\nMISSING_DATE,MISSING_MID', { host: 'h', port: 1 })
  assert.deepEqual(hit, { id: 'scanner.spam', where: {}, vars: { score: '15.2', threshold: '5.0', symbols: 'MISSING_DATE, MISSING_MID' } })
  assert.throws(() => parseSpamdReply('SPAMD/1.0 76 Bad header line', { host: 'h', port: 1 }), ScannerError)
})
