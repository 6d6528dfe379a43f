// `node bench/dkim.ts`: what DKIM signing costs per 10 KB message, on one core, against the crypto
// floor and against mailauth's dkimSign, in the same run.
//
//   floor      what no signer can beat: SHA-256 of the message bytes + one private-key operation
//              over ~700 bytes of header data (RSA-2048 PKCS#1 v1.5, or Ed25519 over a SHA-256)
//   todoku     signMessage (src/dkim): canonicalize, hash, sign, prepend the header(s);
//              "fields": dkimSignatureFields, the same without copying the message behind them
//   mailauth   dkimSign from mailauth (the signer issue 3 first named), same keys, same message
//   pool       signMessageAsync with SIGN_CONCURRENCY messages in flight: the private-key work
//              on libuv's thread pool (uses more than one core where there are several)
//
// The message is what ../shared/bench/mta/bin/gen-message.mjs writes for --size 10240 --crlf
// (the end-to-end benchmark's message), or a generated stand-in when that script is absent.
// Sides run in ROUNDS interleaved rounds; each side's best round counts (a shared 2-core host).
// The last line is the summary, exactly:
//   dkim-rsa-ms T floor-rsa-ms F rsa-vs-floor R mailauth-rsa-ms M
import { spawnSync } from 'node:child_process'
import { hash, sign, type KeyObject } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dkimSign } from 'mailauth/lib/dkim/sign.js'
import { createManualClock } from '../src/core/index.ts'
import { dkimSignatureFields, generateDkimKeys, loadDkimSigner, signMessage, signMessageAsync, type DkimSigner } from '../src/dkim/index.ts'

/** Messages per timed run of a synchronous side (about half a second of RSA). */
const MESSAGES_PER_RUN = 800
/** mailauth is ~3× slower: fewer messages keep its rounds as short. */
const MAILAUTH_MESSAGES_PER_RUN = 250
/** Interleaved rounds; each side's best counts. */
const ROUNDS = 9
/** Messages in flight for the thread-pool run (libuv's pool has 4 threads by default). */
const SIGN_CONCURRENCY = 16
const MESSAGE_BYTES = 10_240

const GEN_MESSAGE = fileURLToPath(new URL('../../shared/bench/mta/bin/gen-message.mjs', import.meta.url))

function readBenchMessage(): { message: Buffer; source: string } {
  if (existsSync(GEN_MESSAGE)) {
    const dir = mkdtempSync(join(tmpdir(), 'todoku-bench-dkim-'))
    try {
      const out = join(dir, 'msg-10k.eml')
      const run = spawnSync(process.execPath, [GEN_MESSAGE, '--size', String(MESSAGE_BYTES), '--out', out, '--crlf'], { encoding: 'utf8' })
      if (run.status === 0) return { message: readFileSync(out), source: 'gen-message.mjs --size 10240 --crlf' }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  // Stand-in: the same header shape and ~10 KB of 76-column text.
  const header = [
    'From: "Example Shop" <news@mail.example.test>', 'To: "Recipient" <rcpt@example.test>',
    'Subject: Your weekly update from Example Shop', 'Date: Tue, 04 Nov 2025 10:00:00 +0000',
    'Message-ID: <20251104100000.4711.bench@mail.example.test>', 'MIME-Version: 1.0',
    'List-Unsubscribe: <mailto:unsubscribe+4711@mail.example.test>, <https://example.test/u/4711>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'Content-Type: text/plain; charset=utf-8', '',
  ].join('\r\n')
  const line = 'Your order has shipped and will arrive today; view the details online any time.\r\n'
  return { message: Buffer.from(header + '\r\n' + line.repeat(Math.ceil((MESSAGE_BYTES - header.length) / line.length))), source: 'generated stand-in' }
}

interface Side {
  readonly name: string
  readonly messages: number
  run(count: number): Promise<void> | void
}

/** Best (lowest) ms per message over the rounds, with CPU ms per message of that round. */
interface Result {
  wallMsPerMessage: number
  cpuMsPerMessage: number
}

async function timeSide(side: Side): Promise<Result> {
  const cpuBefore = process.cpuUsage()
  const start = process.hrtime.bigint()
  await side.run(side.messages)
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  const cpu = process.cpuUsage(cpuBefore)
  return { wallMsPerMessage: wallMs / side.messages, cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / side.messages }
}

const { message, source } = readBenchMessage()
const clock = createManualClock(Date.UTC(2025, 10, 4, 10))
const keys = await generateDkimKeys('mail.example.test', { clock })
const rsa = loadDkimSigner(keys.rsa.privateKeyPem, 'mail.example.test', keys.rsa.selector)
const ed25519 = loadDkimSigner(keys.ed25519.privateKeyPem, 'mail.example.test', keys.ed25519.selector)
// ~700 bytes: the canonical size of the signed header fields plus the DKIM-Signature header.
const HEADER_DATA = Buffer.alloc(700, 'h')

function floor(key: KeyObject, isRsa: boolean): void {
  hash('sha256', message, 'buffer')
  if (isRsa) sign('sha256', HEADER_DATA, key)
  else sign(null, hash('sha256', HEADER_DATA, 'buffer'), key)
}

const mailauthSignature = (signer: DkimSigner, pem: string) => ({
  signingDomain: signer.domain,
  selector: signer.selector,
  privateKey: pem,
  algorithm: signer.algorithm,
  canonicalization: 'relaxed/relaxed',
})
// mailauth signs only what is listed in signatureData (top-level key options alone sign nothing).
const mailauthSign = async (signatures: ReturnType<typeof mailauthSignature>[]): Promise<void> => {
  const result = await dkimSign(message, { ...signatures[0], signTime: new Date(clock.now()), signatureData: signatures })
  if (result.errors?.length || result.signatures.split('DKIM-Signature:').length - 1 !== signatures.length) {
    throw new Error(`mailauth dkimSign made no signature: ${JSON.stringify(result.errors)}`)
  }
}

const repeat = (count: number, body: () => void): void => {
  for (let i = 0; i < count; i++) body()
}
const repeatAsync = async (count: number, body: () => Promise<unknown>): Promise<void> => {
  for (let i = 0; i < count; i++) await body()
}

const sides: Side[] = [
  { name: 'floor rsa-2048', messages: MESSAGES_PER_RUN, run: (n) => repeat(n, () => floor(rsa.privateKey, true)) },
  { name: 'todoku rsa-2048', messages: MESSAGES_PER_RUN, run: (n) => repeat(n, () => signMessage(message, [rsa], { clock })) },
  { name: 'todoku rsa-2048 fields', messages: MESSAGES_PER_RUN, run: (n) => repeat(n, () => dkimSignatureFields(message, [rsa], { clock })) },
  { name: 'mailauth rsa-2048', messages: MAILAUTH_MESSAGES_PER_RUN, run: (n) => repeatAsync(n, () => mailauthSign([mailauthSignature(rsa, keys.rsa.privateKeyPem)])) },
  { name: 'floor ed25519', messages: MESSAGES_PER_RUN * 3, run: (n) => repeat(n, () => floor(ed25519.privateKey, false)) },
  { name: 'todoku ed25519', messages: MESSAGES_PER_RUN * 3, run: (n) => repeat(n, () => signMessage(message, [ed25519], { clock })) },
  { name: 'mailauth ed25519', messages: MAILAUTH_MESSAGES_PER_RUN * 3, run: (n) => repeatAsync(n, () => mailauthSign([mailauthSignature(ed25519, keys.ed25519.privateKeyPem)])) },
  {
    name: 'floor both',
    messages: MESSAGES_PER_RUN,
    run: (n) => repeat(n, () => (floor(rsa.privateKey, true), sign(null, hash('sha256', HEADER_DATA, 'buffer'), ed25519.privateKey))),
  },
  { name: 'todoku both', messages: MESSAGES_PER_RUN, run: (n) => repeat(n, () => signMessage(message, [rsa, ed25519], { clock })) },
  {
    name: 'mailauth both',
    messages: MAILAUTH_MESSAGES_PER_RUN,
    run: (n) => repeatAsync(n, () => mailauthSign([mailauthSignature(rsa, keys.rsa.privateKeyPem), mailauthSignature(ed25519, keys.ed25519.privateKeyPem)])),
  },
  {
    name: `todoku rsa-2048 pool×${SIGN_CONCURRENCY}`,
    messages: MESSAGES_PER_RUN * 2,
    run: async (n) => {
      let next = 0
      const worker = async (): Promise<void> => {
        while (next++ < n) await signMessageAsync(message, [rsa], { clock })
      }
      await Promise.all(Array.from({ length: SIGN_CONCURRENCY }, worker))
    },
  },
]

// Warm-up: JIT and key caches, untimed.
for (const side of sides) await side.run(Math.min(side.messages, 200))

const best = new Map<string, Result>()
for (let round = 0; round < ROUNDS; round++) {
  for (const side of sides) {
    const result = await timeSide(side)
    const previous = best.get(side.name)
    if (previous === undefined || result.wallMsPerMessage < previous.wallMsPerMessage) best.set(side.name, result)
  }
}

const get = (name: string): Result => best.get(name) as Result
process.stdout.write(`DKIM signing, ${message.length}-byte message (${source}), best of ${ROUNDS} rounds, Node ${process.version}\n`)
process.stdout.write(`${'side'.padEnd(28)}${'ms/msg'.padStart(10)}${'cpu ms/msg'.padStart(12)}${'msg/s'.padStart(10)}${'vs floor'.padStart(10)}\n`)
for (const side of sides) {
  const result = get(side.name)
  const floorName = side.name.includes('rsa-2048') ? 'floor rsa-2048'
    : side.name.includes('ed25519') ? 'floor ed25519' : 'floor both'
  const versusFloor = result.wallMsPerMessage / get(floorName).wallMsPerMessage
  process.stdout.write(
    `${side.name.padEnd(28)}${result.wallMsPerMessage.toFixed(3).padStart(10)}${result.cpuMsPerMessage.toFixed(3).padStart(12)}` +
      `${Math.round(1000 / result.wallMsPerMessage).toString().padStart(10)}${`${versusFloor.toFixed(2)}×`.padStart(10)}\n`,
  )
}
const todokuRsa = get('todoku rsa-2048').wallMsPerMessage
const floorRsa = get('floor rsa-2048').wallMsPerMessage
process.stdout.write(
  `dkim-rsa-ms ${todokuRsa.toFixed(3)} floor-rsa-ms ${floorRsa.toFixed(3)} rsa-vs-floor ${(todokuRsa / floorRsa).toFixed(2)} mailauth-rsa-ms ${get('mailauth rsa-2048').wallMsPerMessage.toFixed(3)}\n`,
)
