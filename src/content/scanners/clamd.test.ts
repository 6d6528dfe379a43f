// Against the real clamd from Debian's clamav-daemon package, on loopback, with a signature
// database built here (nothing is downloaded; freshclam is never run): an MD5 (.hdb) of a
// fixture file and a body pattern (.ndb). Skips when clamd is not installed.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createClamdScanner, parseClamdReply } from './clamd.ts'
import { ScannerError } from './scanner.ts'

const CLAMD = '/usr/sbin/clamd'
const skip = existsSync(CLAMD) ? false : 'clamd is not installed (apt-get install clamav-daemon)'

const PAYLOAD = Buffer.from('todoku-virus-test-file: not a virus, a fixture for ClamAV INSTREAM tests\n')
const PATTERN = 'todoku-clamav-test-pattern'

function mail(attachment: Buffer): Buffer {
  return Buffer.from(`From: a@example.jp\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/octet-stream; name="x.txt"\r\nContent-Disposition: attachment; filename="x.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment.toString('base64')}\r\n--b--\r\n`)
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('clamd INSTREAM: an attachment matching a local hash signature and a body pattern are found; a clean mail is OK', { skip, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-clamd-'))
  mkdirSync(join(dir, 'db'))
  writeFileSync(join(dir, 'db', 'todoku.hdb'), `${createHash('md5').update(PAYLOAD).digest('hex')}:${PAYLOAD.length}:Todoku.Test.Payload\n`)
  writeFileSync(join(dir, 'db', 'todoku.ndb'), `Todoku.Test.Pattern:0:*:${Buffer.from(PATTERN).toString('hex')}\n`)
  const port = await freePort()
  writeFileSync(join(dir, 'clamd.conf'), [
    `TCPSocket ${port}`, 'TCPAddr 127.0.0.1', `DatabaseDirectory ${join(dir, 'db')}`, 'Foreground yes', `LogFile ${join(dir, 'log')}`,
    'StreamMaxLength 10M', `User ${process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'root')}`,
  ].join('\n') + '\n')
  const daemon = spawn(CLAMD, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' })
  t.after(async () => {
    const exited = new Promise((resolve) => daemon.once('exit', resolve))
    daemon.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })
  const scanner = createClamdScanner({ host: '127.0.0.1', port, timeoutMs: 10_000, chunkBytes: 100 })
  let hits: Awaited<ReturnType<typeof scanner.scan>> | undefined
  for (let tries = 0; hits === undefined; tries++) {
    try {
      hits = await scanner.scan(mail(PAYLOAD))
    } catch (error) {
      if (tries > 100 || !(error instanceof ScannerError)) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  assert.deepEqual(hits.map((hit) => hit.vars?.signature), ['Todoku.Test.Payload.UNOFFICIAL'])
  assert.deepEqual(await scanner.scan(mail(Buffer.from('harmless'))), [])
  const [found] = await scanner.scan(Buffer.from(`Subject: x\r\n\r\nthe ${PATTERN} here\r\n`))
  assert.equal(found.id, 'scanner.virus')
})

test('a clamd that never answers fails temporary within the timeout', async (t) => {
  // half-open allowed: the client's end of request must not close the server's side
  const server = createServer({ allowHalfOpen: true }, (socket) => socket.on('data', () => {}))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  server.on('connection', (socket) => t.after(() => socket.destroy()))
  const scanner = createClamdScanner({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, timeoutMs: 200 })
  await assert.rejects(scanner.scan(Buffer.from('Subject: x\r\n\r\nhi\r\n')), (error: unknown) => error instanceof ScannerError && error.code === 'CONTENT_SCANNER_TIMEOUT' && error.temporary)
})

test('INSTREAM frames the stream in chunks with a zero-length end, cut at maxStreamBytes', async (t) => {
  const received: Buffer[] = []
  const server = createServer((socket) => {
    socket.on('data', (chunk) => received.push(chunk))
    socket.on('end', () => socket.end('stream: OK\0'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const scanner = createClamdScanner({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, timeoutMs: 2000, chunkBytes: 4, maxStreamBytes: 10 })
  assert.deepEqual(await scanner.scan(Buffer.from('0123456789abcdef')), [])
  const sent = Buffer.concat(received)
  assert.equal(sent.toString('latin1'), 'zINSTREAM\0\0\0\0\x040123\0\0\0\x044567\0\0\0\x0289\0\0\0\0')
})

test('parseClamdReply: OK, FOUND, and anything else throws', () => {
  assert.deepEqual(parseClamdReply('stream: OK\0', { host: 'h', port: 1 }), [])
  assert.deepEqual(parseClamdReply('stream: Eicar-Test-Signature FOUND\0', { host: 'h', port: 1 }), [{ id: 'scanner.virus', where: {}, vars: { signature: 'Eicar-Test-Signature' } }])
  assert.throws(() => parseClamdReply('INSTREAM size limit exceeded. ERROR\0', { host: 'h', port: 1 }), ScannerError)
})
