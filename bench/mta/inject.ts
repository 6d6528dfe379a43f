// `node bench/mta/inject.ts`: the MTA benchmark's `inject` step for todoku: $N messages (the
// harness's $MSG_CRLF file, one distinct recipient each, as smtp-source -N sends them to
// Postfix) POSTed raw to todoku's API on 127.0.0.1:$SUT_PORT over $INJECT_API_CONC (64)
// keep-alive connections; returns once every one was answered 202 (durably queued).
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`bench/mta/inject.ts: $${name} is not set (the MTA harness sets it)`)
  return value
}
const count = Number(env('N'))
const port = Number(env('SUT_PORT'))
const concurrency = Number(process.env.INJECT_API_CONC ?? 64)
const token = readFileSync(join(env('RUN_DIR'), 'token'), 'utf8').trim()
const raw = readFileSync(env('MSG_CRLF')).toString('base64')
// the message is the same bytes every time; only the envelope's recipient differs
const head = `{"raw":"${raw}","envelope":{"mailFrom":"bounces@mail.example.test","recipients":["rcpt`
const tail = '@example.test"]}}'

const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
function post(i: number): Promise<void> {
  const body = `${head}${i}${tail}`
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        if (res.statusCode === 202) resolve()
        else reject(new Error(`POST /v1/messages #${i} answered ${res.statusCode}, expected 202: ${Buffer.concat(chunks).toString('utf8').slice(0, 500)}`))
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

let next = 0
const started = performance.now()
await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
  while (next < count) await post(next++)
}))
agent.destroy()
const seconds = (performance.now() - started) / 1000
process.stdout.write(`injected ${count} messages through the API in ${seconds.toFixed(2)} s: ${(count / seconds).toFixed(0)} accepted msgs/s\n`)
