// parseBounce on hostile input: random and mutated mails, then the extremes one at a time
// (a 20 MB attachment, 100,000 header fields, MIME nested 1,000 deep, a boundary that never
// closes, binary junk, NUL bytes, megabyte-long lines). For every input: no throw, a result
// within a time bound, and a heap that does not keep growing.
//
// Why a worker thread per case: parseBounce is synchronous, so a parser stuck in a loop would
// also stop the timer meant to catch it. The worker reports before each input; the test side
// watches, and terminates a worker that goes quiet, naming the input it was on.
//
// Why the workers have a heap limit and build their big inputs as bytes: without a limit a
// worker's heap may grow to the whole process's, and when V8 cannot make one large allocation
// (flattening a 40 MB string, say) it aborts the process, not the worker, so that node --test
// reports the whole file as "test failed" and no case's message. Within a limit, running out
// mostly ends the worker alone, with ERR_WORKER_OUT_OF_MEMORY (best effort, as Node documents).
import { Worker, isMainThread, parentPort, workerData, type ResourceLimits } from 'node:worker_threads'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import * as fc from 'fast-check'
import type { ParsedMail } from '../src/bounce/mail/index.ts'
import { MAX_HEADER_FIELDS, MAX_MESSAGE_BYTES, MAX_MIME_DEPTH, MAX_MIME_PARTS, MAX_TEXT_CHARS } from '../src/bounce/mail/limits.ts'

/** Random and mutated mails fed to parseBounce. */
const FUZZ_RUNS = 10_000
// Time bounds are on the CPU time of the worker's thread, not on the wall clock: parseBounce
// neither waits nor does I/O, so its CPU time is what a superlinear parse burns, while the wall
// clock also counts the time the thread waits for a core (other test files, other jobs), which
// made these bounds fail at random under load. A parser stuck for good is the watchdog's.
/** A fuzz input is at most ~2 MB: parsing it takes milliseconds; a second of CPU means something went superlinear. */
const FUZZ_INPUT_BOUND_MS = 1_000
/** An extreme input is up to 40 MB. */
const EXTREME_INPUT_BOUND_MS = 10_000
/** No word from a worker for this long: it is stuck in one input (or will not exit). */
const WORKER_SILENCE_MS = 30_000
/**
 * The heap one case's worker may use. The hungriest input, 4 MB of "=" as quoted-printable (the
 * decoder appends each broken escape to its output, a million-link string), needs more than 64
 * and at most 80 MiB; three times that and more is left, so that only a parse whose memory runs
 * away reaches the limit, and then the worker ends with ERR_WORKER_OUT_OF_MEMORY.
 */
const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256 }
/** Heap left over (after GC) once the results are dropped: caches may fill, nothing may accumulate. */
const MAX_RETAINED_HEAP_BYTES = 16 * 1024 * 1024
/** Heap held (after GC) while one result is alive: the mail it came from, at most, and little more. */
const MAX_RESULT_HEAP_BYTES = 2 * MAX_MESSAGE_BYTES

const FIXTURES_DIR = new URL('./fixtures/', import.meta.url)

// ---------------------------------------------------------------------------------------------
// Test side: one node:test test per case, each run in its own worker.

type Report = {
  readonly inputs: number
  readonly elapsedMs: number
  readonly slowestCpuMs: number
  readonly slowestWallMs: number
  readonly retainedBytes: number
}
type WorkerMessage =
  | { readonly kind: 'input'; readonly label: string }
  | { readonly kind: 'done'; readonly report: Report }
  | { readonly kind: 'failed'; readonly message: string }

/**
 * Runs one case in a fresh worker. Settles only once the worker has exited, so that the next
 * case's worker never overlaps this one's memory, and so that every way a worker ends (a
 * failure it reports, an uncaught error, running out of heap, a nonzero exit, the watchdog)
 * rejects with one message naming the case, the input it was on and its exit code.
 */
function runInWorker(caseName: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { caseName }, resourceLimits: WORKER_RESOURCE_LIMITS })
    let label = '(before the first input)'
    let report: Report | undefined
    // The first failure, and the input it came on: what follows from it (the exit) says less.
    let failure: { readonly why: string; readonly label: string; readonly cause: unknown } | undefined
    let lastWordAt = performance.now()
    let isTerminating = false
    const fail = (why: string, cause?: unknown) => {
      failure ??= { why, label, cause }
    }
    const settle = (exitCode: number | undefined) => {
      clearInterval(watchdog)
      if (failure === undefined && report !== undefined && exitCode === 0) return resolve(report)
      const { why, label: on, cause } = failure ?? { why: 'the worker exited without a report', label, cause: undefined }
      const code = exitCode === undefined ? 'none, it did not stop' : exitCode
      reject(new Error(`"${caseName}", on input "${on}" (worker exit code ${code}; ${describeLoad()}): ${why}`, { cause }))
    }
    const watchdog = setInterval(() => {
      const silentMs = performance.now() - lastWordAt
      if (silentMs < WORKER_SILENCE_MS) return
      if (isTerminating) return settle(undefined)
      fail(report ? `worker did not exit ${Math.round(silentMs)} ms after its report` : `parseBounce gave no answer for ${Math.round(silentMs)} ms (bound ${WORKER_SILENCE_MS} ms)`)
      isTerminating = true
      lastWordAt = performance.now()
      void worker.terminate()
    }, 1_000)
    worker.on('message', (message: WorkerMessage) => {
      lastWordAt = performance.now()
      if (message.kind === 'input') label = message.label
      else if (message.kind === 'done') report = message.report
      else fail(message.message)
    })
    worker.on('error', (error: Error & { code?: string }) => {
      const heap = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? ` (heap limit ${WORKER_RESOURCE_LIMITS.maxOldGenerationSizeMb} MiB)` : ''
      fail(`worker failed: ${error.code ? `${error.code} ` : ''}${error.message}${heap}`, error)
    })
    worker.on('exit', settle)
  })
}

/** The machine's load, for messages about time: a bound missed under load reads differently from one missed on an idle machine. */
function describeLoad(): string {
  return `load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`
}

// ---------------------------------------------------------------------------------------------
// Worker side.

/** Each case, by its test name. A function so that the test side can list them without building inputs. */
function CASES(): Record<string, () => Promise<Report>> {
  return {
    [`survives ${FUZZ_RUNS} random and mutated mails`]: fuzz,
    'survives a 20 MB attachment, as base64 and as a text part': () => extremes([
      ['20 MB base64 attachment', () => bytesOf(reportPieces([attachmentPart(20 << 20, 'base64')]))],
      ['20 MB text/plain attachment', () => bytesOf(reportPieces([attachmentPart(20 << 20, 'text')]))],
    ]),
    'keeps at most MAX_HEADER_FIELDS of 100,000 header fields': () => extremes([
      ['100,000 header fields', () => {
        const fields = Array.from({ length: 100_000 }, (_, i) => `X-Field-${i}: value ${i}`)
        return `${fields.join('\n')}\nSubject: Undelivered Mail\n\nbody\n`
      }, (mail) => assertAtMost(mail.headers.fields.length, MAX_HEADER_FIELDS, 'header fields')],
      ['100,000 header fields in a part', () => report([`Content-Type: text/plain\n${'X-A: b\n'.repeat(100_000)}\nnotice\n`])],
      ['one header folded 1,000,000 times', () => `Subject: start\n${' x\n'.repeat(1_000_000)}\nbody\n`],
    ]),
    'stops at MAX_MIME_DEPTH in MIME nested 1,000 levels deep': () => extremes([
      ['multipart nested 1,000 deep', () => nestedMultipart(1_000), (mail) => assertAtMost(depthOf(mail), MAX_MIME_DEPTH + 2, 'MIME depth')],
      ['message/rfc822 nested 1,000 deep', () => nestedMessage(1_000), (mail) => assertAtMost(depthOf(mail), MAX_MIME_DEPTH + 2, 'MIME depth')],
      ['multipart nested 1,000 deep, never closed', () => nestedMultipart(1_000).replace(/^--b\d+--$/gm, '')],
    ]),
    'stops at MAX_MIME_PARTS when a boundary never closes': () => extremes([
      ['100,000 parts, boundary never closed', () => `Content-Type: multipart/report; boundary="open"\n\n${'--open\nContent-Type: text/plain\n\n550 5.1.1 unknown\n'.repeat(100_000)}`,
        (mail) => assertAtMost(partsOf(mail), MAX_MIME_PARTS + 1, 'MIME parts')],
      ['a boundary that never appears, 10 MB body', () => `Content-Type: multipart/mixed; boundary="nowhere"\n\n${'line of text\n'.repeat(800_000)}`],
      ['a boundary that only prefixes lines', () => `Content-Type: multipart/mixed; boundary="b"\n\n${'--bb\n--b-\n'.repeat(500_000)}`],
    ]),
    'survives binary junk and NUL bytes': () => extremes([
      ['8 MB of random bytes', () => randomBytes(8 << 20, 1)],
      ['8 MB of random bytes after bounce headers', () => Buffer.concat([Buffer.from('From: MAILER-DAEMON@example.com\nSubject: Delivery Status Notification (Failure)\nContent-Type: multipart/report; boundary=x\n\n--x\n'), randomBytes(8 << 20, 2)])],
      ['8 MB of NUL bytes', () => Buffer.alloc(8 << 20)],
      ['NUL bytes in headers, boundary and delivery-status', () => report([
        'Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a\0@example.jp\0\nStatus: 5.\0.1\n\0\0\0\n'.repeat(20_000),
      ]).replace('From: ', 'From:\0 ')],
    ]),
    'stays linear on megabyte-long lines': () => extremes(hugeLines()),
    'reads only the first MAX_MESSAGE_BYTES of a larger mail': () => extremes([
      ['40 MB mail', () => bytesOf(reportPieces([attachmentPart(30 << 20, 'base64')])), (mail) => assertAtMost(mail.text.length, MAX_TEXT_CHARS, 'text characters')],
    ]),
  }
}

type Extreme = readonly [label: string, build: () => string | Uint8Array, check?: (mail: ParsedMail) => void]

async function fuzz(): Promise<Report> {
  const { parseBounce } = await import('../src/bounce/index.ts')
  const gc = exposeGc()
  const seeds = [...readFixtures(FIXTURES_DIR)]
  let inputs = 0
  let slowestCpuMs = 0
  let slowestWallMs = 0
  let baseline = 0
  const started = performance.now()
  // TODOKU_FUZZ_SEED (and TODOKU_FUZZ_PATH) replay a failure that this test reported.
  const replay = process.env.TODOKU_FUZZ_SEED ? { seed: Number(process.env.TODOKU_FUZZ_SEED), path: process.env.TODOKU_FUZZ_PATH } : {}
  const details = fc.check(
    fc.property(mailArbitrary(seeds), (bytes) => {
      if (inputs === 500) {
        // Measure from here: the first inputs fill the caches (charset decoders, compiled regexps).
        gc()
        baseline = process.memoryUsage().heapUsed
      }
      inputs += 1
      if (inputs % 100 === 0) parentPort!.postMessage({ kind: 'input', label: `fuzz input ${inputs} (${bytes.length} bytes)` } satisfies WorkerMessage)
      const { result: results, cpuMs, wallMs } = timed(() => parseBounce(bytes))
      slowestCpuMs = Math.max(slowestCpuMs, cpuMs)
      slowestWallMs = Math.max(slowestWallMs, wallMs)
      if (!Array.isArray(results)) throw new Error('parseBounce returned no array')
      assertInTime(cpuMs, wallMs, FUZZ_INPUT_BOUND_MS, `parseBounce on ${bytes.length} bytes`)
    }),
    { numRuns: FUZZ_RUNS, endOnFailure: true, ...replay },
  )
  if (details.failed) {
    // fast-check's own report prints the whole counterexample, megabytes of it: say what failed, and how to replay it.
    const input = details.counterexample?.[0]
    const error = details.errorInstance instanceof Error ? details.errorInstance.stack ?? details.errorInstance.message : String(details.errorInstance)
    const saved = join(tmpdir(), `todoku-fuzz-${details.seed}-${details.counterexamplePath}.eml`)
    writeFileSync(saved, input ?? '')
    throw new Error(`fuzz input ${details.numRuns} (${input?.length} bytes, saved as ${saved}) failed: ${error}\n` +
      `replay: TODOKU_FUZZ_SEED=${details.seed} TODOKU_FUZZ_PATH=${details.counterexamplePath} node --test test/bounce-robustness.test.ts`)
  }
  gc()
  const retainedBytes = Math.max(0, process.memoryUsage().heapUsed - baseline)
  assertAtMost(retainedBytes, MAX_RETAINED_HEAP_BYTES, `heap growth over ${inputs - 500} parses`)
  return { inputs, elapsedMs: performance.now() - started, slowestCpuMs, slowestWallMs, retainedBytes }
}

async function extremes(list: readonly Extreme[]): Promise<Report> {
  const { parseBounce, parseMail } = await import('../src/bounce/index.ts')
  const gc = exposeGc()
  parseBounce('Subject: warm-up\n\nnothing\n')
  gc()
  const baseline = process.memoryUsage().heapUsed
  const heapSince = () => {
    gc()
    return process.memoryUsage().heapUsed - baseline
  }
  let slowestCpuMs = 0
  let slowestWallMs = 0
  const started = performance.now()
  // One function call per input, so that nothing of it stays reachable from this frame. Each
  // input is built here, once, and dropped before the next is built.
  const runOne = (label: string, build: Extreme[1]) => {
    const built = build()
    const bytes = typeof built === 'string' ? Buffer.from(built, 'latin1') : built
    const { result: results, cpuMs, wallMs } = timed(() => parseBounce(bytes))
    slowestCpuMs = Math.max(slowestCpuMs, cpuMs)
    slowestWallMs = Math.max(slowestWallMs, wallMs)
    if (!Array.isArray(results)) throw new Error(`${label}: parseBounce returned no array`)
    assertInTime(cpuMs, wallMs, EXTREME_INPUT_BOUND_MS, `${label}: parseBounce`)
    return { bytes, heldByResults: heapSince() + 0 * results.length }
  }
  const checkOne = (bytes: Uint8Array, check: Extreme[2]) => {
    const mail = parseMail(bytes)
    check?.(mail)
    return heapSince() + 0 * mail.text.length
  }
  for (const [label, build, check] of list) {
    parentPort!.postMessage({ kind: 'input', label } satisfies WorkerMessage)
    // The input's bytes live outside the JS heap (a Buffer); what the heap holds is the results'.
    const { bytes, heldByResults } = runOne(label, build)
    assertAtMost(heldByResults, MAX_RESULT_HEAP_BYTES, `${label}: heap held by the results`)
    assertAtMost(checkOne(bytes, check), MAX_RESULT_HEAP_BYTES, `${label}: heap held by the parsed mail`)
    assertAtMost(heapSince(), MAX_RETAINED_HEAP_BYTES, `${label}: heap left after the results are dropped`)
  }
  return { inputs: list.length, elapsedMs: performance.now() - started, slowestCpuMs, slowestWallMs, retainedBytes: Math.max(0, heapSince()) }
}

function assertAtMost(actual: number, bound: number, what: string): void {
  if (actual > bound) throw new Error(`${what}: ${actual} exceeds the bound ${bound}`)
}

/** Runs `work`, measuring the CPU time of this thread (see FUZZ_INPUT_BOUND_MS) and the wall clock. */
function timed<T>(work: () => T): { result: T; cpuMs: number; wallMs: number } {
  const wallAt = performance.now()
  const cpuAt = process.threadCpuUsage()
  const result = work()
  const cpu = process.threadCpuUsage(cpuAt)
  return { result, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wallAt }
}

function assertInTime(cpuMs: number, wallMs: number, boundMs: number, what: string): void {
  if (cpuMs > boundMs) {
    throw new Error(`${what} took ${Math.round(cpuMs)} ms of CPU, over the bound of ${boundMs} ms (${Math.round(wallMs)} ms by the clock; ${describeLoad()})`)
  }
}

/** V8's gc(), which Node hides unless started with --expose-gc (a worker cannot take that flag). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

function* readFixtures(dir: URL): Generator<Buffer> {
  let entries
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) if (entry.isFile() && entry.name.endsWith('.eml')) yield readFileSync(join(entry.parentPath, entry.name))
}

function depthOf(mail: ParsedMail): number {
  let depth = 0
  const walk = (part: ParsedMail['root'], level: number) => {
    depth = Math.max(depth, level)
    for (const child of part.parts) walk(child, level + 1)
    if (part.message) walk(part.message.root, level + 1)
  }
  walk(mail.root, 1)
  return depth
}

function partsOf(mail: ParsedMail): number {
  let count = 0
  const walk = (part: ParsedMail['root']) => {
    count += 1
    for (const child of part.parts) walk(child)
    if (part.message) walk(part.message.root)
  }
  walk(mail.root)
  return count
}

// ---------------------------------------------------------------------------------------------
// Inputs. Mails are built as binary strings (one char per octet) and sent as latin1 bytes.

/** Lines a bounce parser looks for, so that mutated mails reach deep into the sources. */
const BOUNCE_LINES = [
  'This is the mail system at host mx.example.com.',
  "I'm sorry to have to inform you that your message could not",
  '<nobody@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 <nobody@example.jp>... User unknown (in reply to RCPT TO command)',
  'Hi. This is the qmail-send program at example.com.',
  'Sorry, no mailbox here by that name. (#5.1.1)',
  '----- The following addresses had permanent fatal errors -----',
  '----- Transcript of session follows -----',
  '... while talking to mx.example.jp.:',
  '>>> DATA',
  '<<< 552 5.2.2 Mailbox full',
  'Delivery has failed to these recipients or groups:',
  'Diagnostic information for administrators:',
  'Remote Server returned \'550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized\'',
  'The following message to <nobody@example.jp> was undeliverable.',
  'Reporting-MTA: dns; mx.example.com',
  'Final-Recipient: rfc822; nobody@example.jp',
  'Original-Recipient: rfc822;nobody@example.jp',
  'Action: failed',
  'Action: delayed',
  'Status: 5.1.1',
  'Status: 4.4.7',
  'Remote-MTA: dns; mx.example.jp',
  'Diagnostic-Code: smtp; 550 5.7.26 Unauthenticated email from example.com is not accepted',
  'Diagnostic-Code: X-Postfix; delivery temporarily suspended: connect to mx.example.jp[192.0.2.1]:25: Connection timed out',
  'Last-Attempt-Date: Mon, 1 Jan 2026 00:00:00 +0900',
  'Feedback-Type: abuse',
  'User-Agent: SomeGenerator/1.0',
  'Auto-Submitted: auto-replied',
  'X-Failed-Recipients: nobody@example.jp',
  'X-Postfix-Queue-ID: 4ABCDEF',
  'message expired, giving up',
  '550 5.1.1 The email account that you tried to reach does not exist.',
  Buffer.from('宛先不明です。このメールアドレスは存在しません。').toString('latin1'),
  Buffer.from('1b24423038406849544c401b2842', 'hex').toString('latin1'),
  Buffer.from('88b690e6957396be', 'hex').toString('latin1'),
  '=?ISO-2022-JP?B?GyRCMDhAaElUTEAbKEI=?=',
  '',
]

const CHARSETS = [
  'us-ascii', 'utf-8', 'UTF-8', 'iso-2022-jp', 'ISO-2022-JP-2', 'shift_jis', 'x-sjis', 'euc-jp', 'iso-8859-1',
  'windows-1252', 'utf-16', 'utf-16le', 'utf-7', 'gb18030', 'big5', 'koi8-r', 'x-unknown', 'x-no-such-charset', '',
  '"utf-8', 'utf-8"; x="', 'x'.repeat(300),
]
const ENCODINGS = ['7bit', '8bit', 'binary', 'base64', 'BASE64', 'quoted-printable', 'x-uuencode', '']
const LEAF_TYPES = [
  'text/plain', 'text/html', 'message/delivery-status', 'message/global-delivery-status', 'message/feedback-report',
  'message/disposition-notification', 'application/octet-stream', 'image/png', 'text/enriched', '', 'garbage',
]

const text = fc.oneof(
  { arbitrary: fc.array(fc.constantFrom(...BOUNCE_LINES), { maxLength: 12 }).map((lines) => lines.join('\n')), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')), weight: 1 },
)

const boundary = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9'()+_,./:=? -]{1,70}$/),
  fc.constantFrom('', '-', '--', '=_', '"', 'a;b', 'x'.repeat(200)),
)

/** A leaf part, encoded as declared, or with its encoding broken on purpose. */
const leaf = fc.record({
  type: fc.constantFrom(...LEAF_TYPES),
  charset: fc.constantFrom(...CHARSETS),
  encoding: fc.constantFrom(...ENCODINGS),
  breakEncoding: fc.boolean(),
  attachment: fc.boolean(),
  content: text,
}).map(({ type, charset, encoding, breakEncoding, attachment, content }) => {
  const headers = [`Content-Type: ${type}; charset="${charset}"`, `Content-Transfer-Encoding: ${encoding}`]
  if (attachment) headers.push('Content-Disposition: attachment; filename="details.txt"')
  return `${headers.join('\n')}\n\n${encode(content, encoding.toLowerCase(), breakEncoding)}`
})

const { part } = fc.letrec<{ part: string; multipart: string; message: string }>((tie) => ({
  part: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('multipart'), tie('message')),
  multipart: fc.record({
    subtype: fc.constantFrom('report; report-type=delivery-status', 'mixed', 'alternative', 'related', 'report; report-type=feedback-report'),
    boundary,
    isClosed: fc.boolean(),
    preamble: text,
    children: fc.array(tie('part'), { maxLength: 5 }),
  }).map(({ subtype, boundary: b, isClosed, preamble, children }) =>
    `Content-Type: multipart/${subtype}; boundary="${b}"\n\n${preamble}\n${children.map((c) => `--${b}\n${c}\n`).join('')}${isClosed ? `--${b}--\n` : ''}`),
  message: fc.record({
    type: fc.constantFrom('message/rfc822', 'text/rfc822-headers', 'message/global', 'message/rfc822-headers'),
    encoding: fc.constantFrom('7bit', 'base64', 'quoted-printable'),
    breakEncoding: fc.boolean(),
    inner: tie('part'),
    headers: fc.array(fc.constantFrom('Message-ID: <m1@example.com>', 'To: nobody@example.jp', 'From: sender@example.com', 'Subject: =?UTF-8?B?6YWN5L+h?=', 'X-Todoku-Message: m-1'), { maxLength: 5 }),
  }).map(({ type, encoding, breakEncoding, inner, headers }) =>
    `Content-Type: ${type}\nContent-Transfer-Encoding: ${encoding}\n\n${encode(`${headers.join('\n')}${headers.length ? '\n' : ''}${inner}`, encoding, breakEncoding)}`),
}))

/** A whole mail: top headers a bounce has, then a MIME tree. */
const skeleton = fc.record({
  from: fc.constantFrom('MAILER-DAEMON@mx.example.com (Mail Delivery System)', 'postmaster@example.jp', 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>', ''),
  subject: fc.constantFrom('Undelivered Mail Returned to Sender', 'Delivery Status Notification (Failure)', 'failure notice', 'Returned mail: see transcript for details', '=?ISO-2022-JP?B?GyRCMDhAaElUTEAbKEI=?=', '=?utf-8?q?broken', 'Auto: out of office'),
  body: part,
}).map(({ from, subject, body }) => `From: ${from}\nTo: sender@example.com\nSubject: ${subject}\nDate: Mon, 1 Jan 2026 00:00:00 +0900\nMIME-Version: 1.0\n${body}`)

/** Damage done to a mail; positions are taken modulo its length. */
type Mutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly count: number; readonly xor: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'nul'; readonly at: number; readonly count: number }
  | { readonly kind: 'repeat'; readonly at: number; readonly length: number; readonly times: number }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'eol'; readonly to: string }
  | { readonly kind: 'charset'; readonly label: string }

const position = fc.nat()
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, count: fc.integer({ min: 1, max: 32 }), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('nul' as const), at: position, count: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 100 }), times: fc.integer({ min: 2, max: 2000 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant('eol' as const), to: fc.constantFrom('\r\n', '\r', '\n', '\n\n') }),
  fc.record({ kind: fc.constant('charset' as const), label: fc.constantFrom(...CHARSETS) }),
)

function mailArbitrary(seeds: readonly Buffer[]): fc.Arbitrary<Uint8Array> {
  const mutations = fc.array(mutation, { maxLength: 4 })
  const bases: fc.WeightedArbitrary<Buffer>[] = [{ arbitrary: skeleton.map((s) => Buffer.from(s, 'latin1')), weight: 4 }]
  if (seeds.length > 0) bases.push({ arbitrary: fc.constantFrom(...seeds), weight: 4 })
  return fc.oneof(
    { arbitrary: fc.tuple(fc.oneof(...bases), mutations).map(([base, list]) => list.reduce(mutate, base)), weight: 8 },
    { arbitrary: fc.uint8Array({ maxLength: 8192 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => Buffer.from(s, 'utf8')), weight: 1 },
  )
}

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = bytes.length === 0 ? 0 : (m as { at?: number }).at! % bytes.length
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at)
    case 'flip': {
      const copy = Buffer.from(bytes)
      for (let i = 0; i < m.count && copy.length > 0; i++) copy[(at + i * 7919) % copy.length] ^= m.xor
      return copy
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)])
    case 'nul':
      return Buffer.concat([bytes.subarray(0, at), Buffer.alloc(m.count), bytes.subarray(at)])
    case 'repeat': {
      const slice = bytes.subarray(at, at + m.length)
      return Buffer.concat([bytes.subarray(0, at), ...Array<Buffer>(m.times).fill(slice), bytes.subarray(at)])
    }
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)])
    case 'eol':
      return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, m.to), 'latin1')
    case 'charset':
      return Buffer.from(bytes.toString('latin1').replace(/charset="?[^";\s]*"?/gi, `charset="${m.label}"`), 'latin1')
  }
}

/** Transfer-encodes octets; `breakIt` spoils the encoding the way broken mailers do. */
function encode(octets: string, encoding: string, breakIt: boolean): string {
  if (encoding === 'base64') {
    const encoded = Buffer.from(octets, 'latin1').toString('base64').replace(/(.{76})/g, '$1\n')
    return breakIt ? `${encoded.slice(0, encoded.length >> 1)}!*=\u00ff=${encoded.slice(encoded.length >> 1)}====` : encoded
  }
  if (encoding === 'quoted-printable') {
    const encoded = octets.replace(/[=\x80-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).replace(/([^\n]{70})/g, '$1=\n')
    return breakIt ? `${encoded}=Z=\n=4=` : encoded
  }
  return octets
}

/** Octets written straight into a mail's buffer: `length` of them, by `write`, from `at` on. */
type Filler = { readonly length: number; readonly write: (out: Buffer, at: number) => void }
/** A piece of a mail: a binary string (one char per octet), octets, or octets yet to be made. */
type Piece = string | Uint8Array | Filler

/** A Postfix DSN enclosing `parts`, each part (its header and body) given as its pieces. */
function reportPieces(parts: readonly (readonly Piece[])[]): Piece[] {
  return [
    'From: MAILER-DAEMON@mx.example.com\nTo: sender@example.com\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary="R"\n\n' +
    '--R\nContent-Type: text/plain\n\n<nobody@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n' +
    '--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.jp\nAction: failed\nStatus: 5.1.1\n\n',
    ...parts.flatMap((part) => ['--R\n', ...part, '\n']),
    '--R\nContent-Type: message/rfc822\n\nMessage-ID: <m1@example.com>\nSubject: hello\n\nhello\n--R--\n',
  ]
}

function report(parts: readonly string[]): string {
  return reportPieces(parts.map((part) => [part])).join('')
}

/**
 * The octets of a mail, made once, in one buffer. For the inputs of tens of megabytes: as a string
 * they would be a concatenation that Buffer.from first flattens into one more string of that size
 * on the worker's heap (see the notes at the top); and an attachment made apart would be copied.
 */
function bytesOf(pieces: readonly Piece[]): Buffer {
  const out = Buffer.allocUnsafe(pieces.reduce((size, piece) => size + piece.length, 0))
  let at = 0
  for (const piece of pieces) {
    if (typeof piece === 'string') out.write(piece, at, 'latin1')
    else if (piece instanceof Uint8Array) out.set(piece, at)
    else piece.write(out, at)
    at += piece.length
  }
  return out
}

function attachmentPart(size: number, as: 'base64' | 'text'): Piece[] {
  if (as === 'base64') {
    return ['Content-Type: application/octet-stream; name="big.bin"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment\n\n', randomBase64Lines(size, 3)]
  }
  const line = 'Mon Jan  1 00:00:00 mx postfix/smtp[123]: 550 5.1.1 unknown user\n'
  const length = Math.ceil(size / line.length) * line.length
  return ['Content-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename="big.log"\n\n', { length, write: (out, at) => out.fill(line, at, at + length, 'latin1') }]
}

/** `size` octets of randomBytes(size, seed) in base64, in lines of 76 characters (RFC 2045 §6.8), made a block of lines at a time. */
function randomBase64Lines(size: number, seed: number): Filler {
  const lineChars = 76
  const chars = Math.ceil(size / 3) * 4
  return {
    length: chars + Math.ceil(chars / lineChars),
    write: (out, at) => {
      const fill = randomFill(seed)
      const octets = Buffer.allocUnsafe(57 * 1024) // 1,024 lines: a multiple of 3 octets, so only the last block is padded
      for (let from = 0; from < size; from += octets.length) {
        const block = Buffer.from(fill(octets.subarray(0, Math.min(octets.length, size - from))).toString('base64'), 'latin1')
        for (let start = 0; start < block.length; start += lineChars) {
          at += block.copy(out, at, start, Math.min(start + lineChars, block.length))
          out[at++] = 0x0a
        }
      }
    },
  }
}

function nestedMultipart(levels: number): string {
  let inner = 'Content-Type: text/plain\n\n550 5.1.1 <nobody@example.jp>... User unknown\n'
  for (let level = levels; level > 0; level--) inner = `Content-Type: multipart/mixed; boundary="b${level}"\n\n--b${level}\n${inner}\n--b${level}--\n`
  return `From: MAILER-DAEMON@example.com\nSubject: nested\n${inner}`
}

function nestedMessage(levels: number): string {
  let inner = 'Subject: innermost\n\n550 5.1.1 unknown\n'
  for (let level = 0; level < levels; level++) inner = `Content-Type: message/rfc822\n\n${inner}`
  return `From: MAILER-DAEMON@example.com\nSubject: nested\n${inner}`
}

/** Deterministic pseudo-random bytes (xorshift32): junk that is the same on every run. */
function randomBytes(size: number, seed: number): Buffer {
  return randomFill(seed)(Buffer.allocUnsafe(size))
}

/** Fills buffers with the bytes of randomBytes(…, seed), each fill going on where the last one stopped. */
function randomFill(seed: number): (out: Buffer) => Buffer {
  let x = seed * 2654435761 >>> 0 || 1
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      out[i] = x & 0xff
    }
    return out
  }
}

/** One megabyte-and-more lines, each of a character some parsing step scans for. */
function hugeLines(): Extreme[] {
  const n = 4 << 20
  // With a bounce's From and Subject, so that every source's guard clauses let the text through.
  const from = 'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nSubject: Undelivered Mail Returned to Sender\n'
  const html = (body: string) => `${from}Content-Type: text/html\n\n${body}`
  const plain = (body: string, encoding = '7bit') => `${from}Content-Type: text/plain\nContent-Transfer-Encoding: ${encoding}\n\n${body}`
  const status = (body: string) => report([`Content-Type: message/delivery-status\n\n${body}`])
  return [
    ['4 MB of "<" in HTML', () => html('<'.repeat(n))],
    ['4 MB of blanks in HTML', () => html(' '.repeat(n) + 'x')],
    ['4 MB of unclosed <script in HTML', () => html('<script'.repeat(n / 7))],
    ['4 MB of "&#" in HTML', () => html('&#'.repeat(n / 2))],
    ['4 MB of "<br" in HTML', () => html('<br '.repeat(n / 4))],
    ['4 MB of "=" in quoted-printable', () => plain('='.repeat(n), 'quoted-printable')],
    ['4 MB of "=4" in quoted-printable', () => plain('=4'.repeat(n / 2), 'quoted-printable')],
    ['4 MB of "=" in base64', () => plain('='.repeat(n), 'base64')],
    ['4 MB one-line text', () => plain('550 5.1.1 '.repeat(n / 10))],
    ['4 MB of blanks in text', () => plain(' '.repeat(n) + 'x')],
    ['4 MB of "@" and "<" in text', () => plain('<@'.repeat(n / 2))],
    // An unanchored address pattern rescans a run of local-part characters from each of its
    // characters when no "@" follows: a long base64 line is such a run.
    ['4 MB base64-like line without "@"', () => plain(randomBytes(n * 3 / 4, 4).toString('base64'))],
    ['4 MB of "a." without "@"', () => plain('a.'.repeat(n / 2))],
    ['4 MB domain-like run after "@"', () => plain(`x@${'a-'.repeat(n / 2)}`)],
    ['4 MB local part, "@" at the end of the line', () => plain(`${'a'.repeat(n)}@\n`)],
    ['4 MB of ":" in a delivery-status', () => status(':'.repeat(n))],
    ['4 MB of "; " in a delivery-status', () => status(`Final-Recipient: rfc822; ${'; '.repeat(n / 2)}`)],
    ['4 MB Diagnostic-Code', () => status(`Final-Recipient: rfc822; nobody@example.jp\nStatus: 5.1.1\nDiagnostic-Code: smtp; ${'550 5.1.1 user unknown '.repeat(n / 23)}`)],
    ['4 MB of "=?" in a header', () => `Subject: ${'=?'.repeat(n / 2)}\n\nx\n`],
    ['4 MB encoded-word run in a header', () => `Subject: ${'=?UTF-8?B?44GC?= '.repeat(n / 16)}\n\nx\n`],
    ['4 MB of ";" in Content-Type', () => `Content-Type: text/plain${'; a'.repeat(n / 3)}\n\nx\n`],
    ['4 MB quoted Content-Type parameter', () => `Content-Type: text/plain; charset="${'\\a'.repeat(n / 2)}\n\nx\n`],
    ['4 MB header name without a colon', () => `${'X'.repeat(n)}\n\nx\n`],
    ['4 MB of "--" boundary-like lines', () => `Content-Type: multipart/mixed; boundary="-"\n\n${'--\n'.repeat(n / 3)}`],
  ]
}

// ---------------------------------------------------------------------------------------------
// Last, once every constant above is initialized: define the tests, or run one case in a worker.

if (isMainThread) {
  const { test } = await import('node:test')
  for (const caseName of Object.keys(CASES())) {
    test(caseName, async (t) => {
      const report = await runInWorker(caseName)
      // The process's memory after each case, and the load: what to look at when this file fails under load.
      const mib = (bytes: number) => (bytes / 1048576).toFixed(1)
      t.diagnostic(`${report.inputs} inputs in ${Math.round(report.elapsedMs)} ms; slowest ${report.slowestCpuMs.toFixed(1)} ms of CPU ` +
        `(${report.slowestWallMs.toFixed(1)} ms by the clock); heap retained ${mib(report.retainedBytes)} MiB; ` +
        `process RSS ${mib(process.memoryUsage().rss)} MiB, peak ${mib(process.resourceUsage().maxRSS * 1024)} MiB; ${describeLoad()}`)
    })
  }
} else {
  const { caseName } = workerData as { caseName: string }
  try {
    const report = await CASES()[caseName]()
    parentPort!.postMessage({ kind: 'done', report } satisfies WorkerMessage)
  } catch (error) {
    // The stack, not the message alone: a parser that throws must say where.
    parentPort!.postMessage({ kind: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies WorkerMessage)
  }
}
