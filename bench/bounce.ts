// `npm run bench:bounce`: how fast todoku reads bounces and classifies replies, against Sisimai.
//
//   1. parseBounce over every mail of the dev corpus (../shared/corpus/bounces/eml), read into
//      memory first, warmed up, then timed over passes until at least MIN_MAILS mails;
//   2. classifyReply over the corpus's replies (../shared/corpus/replies/replies-dev.jsonl), timed
//      over passes until at least MIN_REPLIES classifications (the classifier caches nothing by input);
//   3. Sisimai 4.25 (Debian's libsisimai-perl) over the same mails, timed inside perl by
//      bench/sisimai-parse.pl, so perl's start-up and file reading are left out.
// The three run in ROUNDS interleaved rounds; each side's best round counts, so that a busy
// machine (two cores, shared with CI or other jobs) disturbs the comparison less.
//
// The last line is the summary, exactly:
//   bounce-speedup-vs-sisimai R mails-per-s M replies-per-s P
// Exit 2 when the corpus or Sisimai is missing.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseBounce } from '../src/bounce/index.ts'
import { classifyReply } from '../src/bounce/classify-reply.ts'

/** Mails parsed in the timed part (the corpus is repeated to reach it). */
const MIN_MAILS = 20_000
/** Replies classified in the timed part. */
const MIN_REPLIES = 2_000_000
/** Untimed passes over the corpus first, so that the JIT has compiled the hot paths. */
const WARM_UP_PASSES = 3
/** Interleaved rounds of todoku and Sisimai; each side's best round counts. */
const ROUNDS = 3
/** Sisimai parses ~1,000 mails a second: time each of its rounds for this long rather than for MIN_MAILS mails. */
const SISIMAI_MIN_SECONDS = 4

const CORPUS = fileURLToPath(new URL('../../shared/corpus/bounces/eml/', import.meta.url))
const REPLIES = fileURLToPath(new URL('../../shared/corpus/replies/replies-dev.jsonl', import.meta.url))
const SISIMAI_SCRIPT = fileURLToPath(new URL('./sisimai-parse.pl', import.meta.url))

function fail(message: string): never {
  process.stderr.write(`bench:bounce: ${message}\n`)
  process.exit(2)
}

if (!existsSync(CORPUS) || !existsSync(REPLIES)) {
  fail(`the dev corpus is not there: expected ${CORPUS} and ${REPLIES} (the shared/ folder beside the repository)`)
}
if (spawnSync('perl', ['-MSisimai', '-e', '1'], { stdio: 'ignore' }).status !== 0) {
  fail('Sisimai is not installed for perl: apt-get install libsisimai-perl')
}

const files = readdirSync(CORPUS).filter((name) => name.endsWith('.eml')).sort().map((name) => CORPUS + name)
const mails = files.map((file) => readFileSync(file))
const replies = readFileSync(REPLIES, 'utf8').split('\n').filter((line) => line.trim()).map((line) => (JSON.parse(line) as { reply: string }).reply)
if (mails.length === 0 || replies.length === 0) fail(`no mails in ${CORPUS}, or no replies in ${REPLIES}`)

// The machine may be busy (CI, other jobs on two cores): time ROUNDS interleaved rounds of each
// side and keep each side's best round, the one least disturbed by others.
type Timing = { readonly wallSeconds: number; readonly cpuSeconds: number }
function time(run: () => void): Timing {
  const wall = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  run()
  const used = process.cpuUsage(cpu)
  return { wallSeconds: Number(process.hrtime.bigint() - wall) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 }
}

// --- warm-up -----------------------------------------------------------------------------------
let recipients = 0
for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
  recipients = 0
  for (const mail of mails) recipients += parseBounce(mail).length
}
let sink = 0
for (let pass = 0; pass < 1000; pass++) for (const reply of replies) sink += classifyReply(reply).reason.length

const mailPasses = Math.ceil(MIN_MAILS / mails.length)
const mailsParsed = mailPasses * mails.length
const replyPasses = Math.ceil(MIN_REPLIES / replies.length)
const repliesClassified = replyPasses * replies.length
const mailRounds: Timing[] = []
const replyRounds: Timing[] = []
const sisimaiRounds: SisimaiRound[] = []

type SisimaiRound = { version: string; mails: number; seconds: number; cpuSeconds: number; mailsPerSecond: number; recipients: number }
for (let round = 0; round < ROUNDS; round++) {
  // --- todoku: parseBounce
  mailRounds.push(time(() => {
    for (let pass = 0; pass < mailPasses; pass++) for (const mail of mails) sink += parseBounce(mail).length
  }))
  // --- todoku: classifyReply
  replyRounds.push(time(() => {
    for (let pass = 0; pass < replyPasses; pass++) for (const reply of replies) sink += classifyReply(reply).reason.length
  }))
  // --- Sisimai, timed inside perl
  const perl = spawnSync('perl', [SISIMAI_SCRIPT, String(SISIMAI_MIN_SECONDS), ...files], { encoding: 'utf8', maxBuffer: 1 << 20 })
  if (perl.status !== 0) fail(`bench/sisimai-parse.pl failed (${perl.status}): ${perl.stderr.trim().split('\n').slice(-3).join(' / ')}`)
  sisimaiRounds.push(JSON.parse(perl.stdout.trim().split('\n').pop()!) as SisimaiRound)
}

const best = (rounds: readonly Timing[]) => rounds.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a))
const mailBest = best(mailRounds)
const replyBest = best(replyRounds)
const sisimai = sisimaiRounds.reduce((a, b) => (b.mailsPerSecond > a.mailsPerSecond ? b : a))
const mailsPerSecond = mailsParsed / mailBest.wallSeconds
const repliesPerSecond = repliesClassified / replyBest.wallSeconds
const rate = (count: number, seconds: number) => Math.round(count / seconds).toString()

const speedup = mailsPerSecond / sisimai.mailsPerSecond
const rows: [string, string][] = [
  ['machine', `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`],
  ['node', process.version],
  ['corpus', `${mails.length} mails (${(mails.reduce((n, m) => n + m.length, 0) / 1048576).toFixed(1)} MiB), ${replies.length} replies`],
  ['rounds', `${ROUNDS}, interleaved; best round of each side counts`],
  ['todoku parseBounce', `${mailsParsed} mails per round: ${mailRounds.map((t) => rate(mailsParsed, t.wallSeconds)).join(' / ')} mails/s ` +
    `(CPU time: ${mailRounds.map((t) => rate(mailsParsed, t.cpuSeconds)).join(' / ')}); ${recipients} recipients per pass`],
  ['todoku classifyReply', `${repliesClassified} replies per round: ${replyRounds.map((t) => rate(repliesClassified, t.wallSeconds)).join(' / ')} replies/s ` +
    `(CPU time: ${replyRounds.map((t) => rate(repliesClassified, t.cpuSeconds)).join(' / ')})`],
  [`Sisimai ${sisimai.version}`, `>= ${SISIMAI_MIN_SECONDS} s per round: ${sisimaiRounds.map((r) => Math.round(r.mailsPerSecond)).join(' / ')} mails/s ` +
    `(CPU time: ${sisimaiRounds.map((r) => rate(r.mails, r.cpuSeconds)).join(' / ')}); ${sisimai.recipients} recipients per pass`],
]
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(22)}${value}\n`)
if (sink < 0) process.stdout.write('\n') // keeps the timed results alive
process.stdout.write(`bounce-speedup-vs-sisimai ${speedup.toFixed(1)} mails-per-s ${Math.round(mailsPerSecond)} replies-per-s ${Math.round(repliesPerSecond)}\n`)
