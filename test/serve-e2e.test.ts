// The whole of todoku in process on loopback: a DNS server with made-up zones, a sink SMTP
// server as the recipients' MX, and startTodoku wired exactly as `todoku serve` wires it
// (real store in a temp data folder, real resolver, real API over HTTP). Nothing leaves 127.0.0.1.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { authenticate } from 'mailauth'
import nodemailer from 'nodemailer'
import { loadConfig } from '../src/config/index.ts'
import { generateDkimKeys } from '../src/dkim/index.ts'
import { createNodeResolver, type Zone } from '../src/dns/index.ts'
import { createMemoryLog } from '../src/log/index.ts'
import { startTodoku } from '../src/main.ts'
import { readSinkCertificate, startDnsServer, startSinkServer } from '../src/sim/index.ts'

/** The sink's test-only certificate doubles as submission's: a path in the config, as in production. */
const TLS_DIR = new URL('./fixtures/tls/', import.meta.url).pathname

const SENDING_DOMAIN = 'sender.example'
const RECIPIENT_DOMAIN = 'rcpt.example'

async function startWorld(t: import('node:test').TestContext) {
  const dataDir = mkdtempSync(join(tmpdir(), 'todoku-e2e-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const sink = await startSinkServer({ keepBodies: true })
  t.after(() => sink.close())
  const keys = await generateDkimKeys(SENDING_DOMAIN)
  const zone: Zone = {
    [RECIPIENT_DOMAIN]: { MX: [[10, `mx.${RECIPIENT_DOMAIN}`]] },
    [`mx.${RECIPIENT_DOMAIN}`]: { A: [sink.host] },
    [SENDING_DOMAIN]: { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    [keys.rsa.dnsName]: { TXT: [keys.rsa.publicKeyDnsRecord] },
    [keys.ed25519.dnsName]: { TXT: [keys.ed25519.publicKeyDnsRecord] },
  }
  const dns = await startDnsServer(zone)
  t.after(() => dns.close())

  const config = loadConfig({
    file: join(dataDir, 'config.toml'),
    text: [
      `dataDir = ${JSON.stringify(dataDir)}`,
      '[api]',
      'port = 0',
      '[submission]',
      'port = 0',
      '[submission.tls]',
      `certFile = ${JSON.stringify(join(TLS_DIR, 'sink-cert.pem'))}`,
      `keyFile = ${JSON.stringify(join(TLS_DIR, 'sink-key.pem'))}`,
      '[delivery]',
      `mxPort = ${sink.port}`,
      'ehloName = "mta.sender.example"',
      'connectTimeoutMs = "2s"',
      'commandTimeoutMs = "5s"',
      'dataTimeoutMs = "5s"',
      '[dns]',
      `servers = [${JSON.stringify(dns.address)}]`,
      'timeoutMs = "1s"',
      '[log]',
      'level = "debug"',
    ].join('\n'),
  })
  const memoryLog = createMemoryLog()
  const todoku = await startTodoku(config, { log: memoryLog.log })
  t.after(() => todoku.stop())

  const { token } = await todoku.store.createApiKey({ tenantId: 'acme', name: 'e2e', scopes: ['messages:send', 'messages:read'] })
  await todoku.store.putDomain({
    name: SENDING_DOMAIN,
    tenantId: 'acme',
    dkimKeys: [keys.rsa, keys.ed25519].map((k) => ({ selector: k.selector, algorithm: k.algorithm, privateKeyPem: k.privateKeyPem })),
    requireTls: false,
  })
  const resolver = createNodeResolver({ servers: [dns.address], timeoutMs: 1000, tries: 1 })
  return { todoku, sink, token, resolver, memoryLog }
}

/** mailauth's DKIM verdicts for a received message, public keys looked up in the test zone. */
async function dkimResults(message: Buffer, mailFrom: string, resolver: ReturnType<typeof createNodeResolver>) {
  const auth = await authenticate(message, {
    ip: '127.0.0.1',
    helo: 'mta.sender.example',
    sender: mailFrom,
    mta: 'sink.localhost',
    resolver: async (name: string, rrtype: string) => {
      if (rrtype === 'TXT') return resolver.txt(name)
      throw Object.assign(new Error(`no ${rrtype} for ${name} in the test zone`), { code: 'ENOTFOUND' })
    },
  } as Parameters<typeof authenticate>[1])
  return auth.dkim.results.map((r) => ({ domain: r.signingDomain, algorithm: (r as unknown as { algo: string }).algo, result: r.status.result }))
}

async function api(url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  return { status: response.status, body: await response.json() }
}

test('a message posted to the API reaches the recipient’s MX over STARTTLS, DKIM-signed with RSA and Ed25519, and shows as delivered', async (t) => {
  const { todoku, sink, token, resolver } = await startWorld(t)

  const posted = await api(`${todoku.api.url}/v1/messages`, token, {
    method: 'POST',
    body: { from: `Shop <news@${SENDING_DOMAIN}>`, to: [`taro@${RECIPIENT_DOMAIN}`], subject: 'ご注文ありがとうございます', text: 'お届けします。\n' },
  })
  assert.equal(posted.status, 202, JSON.stringify(posted.body))
  assert.equal(posted.body.recipients[0].address, `taro@${RECIPIENT_DOMAIN}`)

  await sink.waitFor(1, 5000)
  const [received] = sink.received
  assert.deepEqual(received.recipients, [`taro@${RECIPIENT_DOMAIN}`])
  assert.equal(received.tls, true, 'delivered over STARTTLS')
  assert.match(received.mailFrom, new RegExp(`^bounce\\+.+@${SENDING_DOMAIN.replace('.', '\\.')}$`), 'a VERP return path')

  assert.deepEqual(await dkimResults(received.body as Buffer, received.mailFrom, resolver), [
    { domain: SENDING_DOMAIN, algorithm: 'rsa-sha256', result: 'pass' },
    { domain: SENDING_DOMAIN, algorithm: 'ed25519-sha256', result: 'pass' },
  ])

  let view: { status: number; body: any } | undefined
  for (let tries = 0; tries < 50; tries++) {
    view = await api(`${todoku.api.url}/v1/messages/${posted.body.id}`, token)
    if (view.body.recipients?.[0]?.state === 'delivered') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.equal(view?.status, 200)
  assert.equal(view?.body.recipients[0].state, 'delivered')
  assert.equal(view?.body.recipients[0].attempts[0].replyCode, '250')
})

test('a message submitted over SMTP (STARTTLS, AUTH with an API key) reaches the MX DKIM-signed', async (t) => {
  const { todoku, sink, token, resolver } = await startWorld(t)
  assert.ok(todoku.submission !== undefined)
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1', port: todoku.submission.port, secure: false, requireTLS: true,
    tls: { ca: readSinkCertificate().cert, servername: 'localhost' },
    auth: { user: 'acme', pass: token },
  })
  t.after(() => transporter.close())
  await transporter.sendMail({ from: `news@${SENDING_DOMAIN}`, to: `hanako@${RECIPIENT_DOMAIN}`, subject: 'SMTP で', text: 'こんにちは\n' })
  await sink.waitFor(1, 5000)
  const [received] = sink.received
  assert.deepEqual(received.recipients, [`hanako@${RECIPIENT_DOMAIN}`])
  assert.deepEqual((await dkimResults(received.body as Buffer, received.mailFrom, resolver)).map((r) => r.result), ['pass', 'pass'])
})

test('a recipient the MX refuses with 550 5.1.1 is failed for good, as userunknown', async (t) => {
  const { todoku, sink, token } = await startWorld(t)
  const posted = await api(`${todoku.api.url}/v1/messages`, token, {
    method: 'POST',
    body: { from: `news@${SENDING_DOMAIN}`, to: [`unknown-550@${RECIPIENT_DOMAIN}`], subject: 'hello', text: 'hi\n' },
  })
  assert.equal(posted.status, 202, JSON.stringify(posted.body))
  let recipient: any
  for (let tries = 0; tries < 100; tries++) {
    recipient = (await api(`${todoku.api.url}/v1/messages/${posted.body.id}`, token)).body.recipients[0]
    if (recipient.state === 'failed') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.equal(recipient.state, 'failed')
  assert.equal(recipient.attempts[0].verdict.reason, 'userunknown')
  assert.equal(sink.received.length, 0)
})

test('stop closes the API: a request after it is refused', async (t) => {
  const { todoku } = await startWorld(t)
  await todoku.stop()
  await assert.rejects(fetch(`${todoku.api.url}/v1/messages`))
})

/** `todoku serve` as a user runs it: a child process of the CLI. */
function spawnServe(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)), 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  // 'close', not 'exit': 'exit' can come before the last of the child's stdout has been read.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, exited, output: () => ({ stdout, stderr }) }
}

test('todoku serve with a bad config lists every problem and exits 78 (EX_CONFIG) without starting', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-serve-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'config.toml'), '[api]\nport = "http"\n[delivery.retry]\nmaxAgeMs = "5 dayz"\n')
  const serve = spawnServe(['--config', join(dir, 'config.toml')])
  t.after(() => serve.child.kill('SIGKILL'))
  assert.equal(await serve.exited, 78)
  const { stderr } = serve.output()
  assert.match(stderr, /2 problems/)
  assert.match(stderr, /config\.toml: api\.port: "http": expected an integer from 0 to 65535/)
  assert.match(stderr, /config\.toml: delivery\.retry\.maxAgeMs: "5 dayz": expected a duration like 30s, 5m, 2h, 5d/)
})

test('todoku serve says where it listens, logs JSON lines, and stops cleanly on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'todoku-serve-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const serve = spawnServe([], { TODOKU_DATA_DIR: dir, TODOKU_API_PORT: '0', TODOKU_SUBMISSION_ENABLED: 'false', TODOKU_DNS_SERVERS: '127.0.0.1:9' })
  t.after(() => serve.child.kill('SIGKILL'))
  for (let waitedMs = 0; !serve.output().stderr.includes('todoku: API') && waitedMs < 10_000; waitedMs += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.match(serve.output().stderr, /todoku: API http:\/\/127\.0\.0\.1:\d+, SMTP submission off/)
  serve.child.kill('SIGTERM')
  assert.equal(await serve.exited, 0)
  const events = serve.output().stdout.trim().split('\n').map((line) => JSON.parse(line).event)
  assert.deepEqual(events.slice(-3), ['todoku.signal', 'todoku.stopping', 'todoku.stopped'])
  assert.ok(events.includes('todoku.started'))
})
