// `npm run bench:mta-latency`: how soon an idle todoku starts delivering what its API accepted.
// todoku runs as `node src/main.ts` (a child process, RSA-2048 DKIM, relayHost = a sink in this
// process); MESSAGES (200) messages are POSTed one at a time, each after the previous one
// reached the sink and a PAUSE_MS (50) pause (delivery is asleep, waiting for a kick). Per
// message: from the 202 arriving here to the sink seeing MAIL FROM (both on this process's
// clock), and from the POST being sent to MAIL FROM. The last line is exactly:
//   api-accept-to-mail-from-median-ms M p90-ms P post-to-mail-from-median-ms Q
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startSinkServer } from '../../src/sim/index.ts'

const repo = resolve(import.meta.dirname, '../..')
const MESSAGES = Number(process.env.MESSAGES ?? 200)
const WARM_UP = 20
const PAUSE_MS = Number(process.env.PAUSE_MS ?? 50)
const profile = process.env.PROFILE ?? 'dkim'
const now = () => performance.timeOrigin + performance.now()

const sink = await startSinkServer({ tls: false })
const dataDir = mkdtempSync(join(tmpdir(), 'todoku-latency-'))
const setup = spawnSync(process.execPath, [join(repo, 'bench/mta/setup.ts'), dataDir, profile], { encoding: 'utf8' })
if (setup.status !== 0) throw new Error(`bench/mta/setup.ts failed: ${setup.stderr}`)
const token = setup.stdout.trim()
const apiPort = await freePort()
const configFile = join(dataDir, 'config.toml')
writeFileSync(configFile, [
  `dataDir = ${JSON.stringify(dataDir)}`,
  `[api]\nport = ${apiPort}`,
  '[submission]\nenabled = false',
  `[delivery]\nrelayHost = "${sink.host}:${sink.port}"\nehloName = "todoku-bench.invalid"\ntls = "none"`,
  '[mtaSts]\nenabled = false',
  '[log]\nlevel = "warn"',
].join('\n'))
const child = spawn(process.execPath, [join(repo, 'src/main.ts'), configFile], { stdio: ['ignore', 'inherit', 'inherit'] })

const message = (i: number) => Buffer.from([
  'From: "Example Shop" <news@mail.example.test>', `To: <rcpt${i}@example.test>`, `Subject: latency ${i}`,
  'Date: Thu, 01 Jan 2026 00:00:00 +0000', `Message-ID: <${i}.latency@mail.example.test>`, 'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8', '', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n'.repeat(40),
].join('\r\n')).toString('base64')

function post(i: number): Promise<{ sentAtMs: number; acceptedAtMs: number }> {
  const body = JSON.stringify({ raw: message(i), envelope: { mailFrom: 'bounces@mail.example.test', recipients: [`rcpt${i}@example.test`] } })
  return new Promise((resolvePost, reject) => {
    const sentAtMs = now()
    const req = request({
      host: '127.0.0.1', port: apiPort, method: 'POST', path: '/v1/messages',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
    }, (res) => {
      const acceptedAtMs = now()
      res.resume()
      res.on('end', () => (res.statusCode === 202 ? resolvePost({ sentAtMs, acceptedAtMs }) : reject(new Error(`POST answered ${res.statusCode}, expected 202`))))
    })
    req.on('error', reject)
    req.end(body)
  })
}

try {
  for (let tries = 0; ; tries++) {
    try {
      await post(-1)
      break
    } catch (error) {
      if (tries > 200) throw error
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  await sink.waitFor(1, 10_000)
  const acceptToMail: number[] = []
  const postToMail: number[] = []
  for (let i = 0; i < WARM_UP + MESSAGES; i++) {
    await new Promise((r) => setTimeout(r, PAUSE_MS))
    const { sentAtMs, acceptedAtMs } = await post(i)
    await sink.waitFor(i + 2, 10_000)
    const { mailFromAtMs } = sink.received[i + 1]
    if (i < WARM_UP) continue
    acceptToMail.push(mailFromAtMs - acceptedAtMs)
    postToMail.push(mailFromAtMs - sentAtMs)
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]
  console.log(`${MESSAGES} single messages to an idle todoku (profile ${profile}), ${PAUSE_MS} ms apart:`)
  console.log(`  202 received → MAIL FROM at the sink: median ${q(acceptToMail, 0.5).toFixed(1)} ms, p90 ${q(acceptToMail, 0.9).toFixed(1)} ms, min ${Math.min(...acceptToMail).toFixed(1)}, max ${Math.max(...acceptToMail).toFixed(1)}`)
  console.log(`  POST sent → MAIL FROM at the sink: median ${q(postToMail, 0.5).toFixed(1)} ms, p90 ${q(postToMail, 0.9).toFixed(1)} ms`)
  console.log(`api-accept-to-mail-from-median-ms ${q(acceptToMail, 0.5).toFixed(1)} p90-ms ${q(acceptToMail, 0.9).toFixed(1)} post-to-mail-from-median-ms ${q(postToMail, 0.5).toFixed(1)}`)
} finally {
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  await sink.close()
  rmSync(dataDir, { recursive: true, force: true })
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}
