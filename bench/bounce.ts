// `npm run bench:bounce`: how fast todoku reads bounces and classifies replies, against Sisimai.
//
//   1. parseBounce over every mail of the dev corpus (../shared/corpus/bounces/eml), read into
//      memory first, warmed up, then timed over passes until at least MIN_MAILS mails;
//   2. classifyReply over the corpus's replies (../shared/corpus/replies/replies-dev.jsonl), timed
//      over passes until at least MIN_REPLIES classifications (the classifier caches nothing by input);
//   3. Sisimai 4.25 (Debian's libsisimai-perl) over the same mails, timed inside perl by
//      bench/sisimai-parse.pl, so perl's start-up and file reading are left out.
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
/** Sisimai parses ~1,000 mails a second: time it for this long rather than for MIN_MAILS mails. */
const SISIMAI_MIN_SECONDS = 10

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

// --- todoku: parseBounce -----------------------------------------------------------------------
let recipients = 0
for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
  recipients = 0
  for (const mail of mails) recipients += parseBounce(mail).length
}
const mailPasses = Math.ceil(MIN_MAILS / mails.length)
let sink = 0
let started = process.hrtime.bigint()
for (let pass = 0; pass < mailPasses; pass++) {
  for (const mail of mails) sink += parseBounce(mail).length
}
const mailSeconds = Number(process.hrtime.bigint() - started) / 1e9
const mailsParsed = mailPasses * mails.length
const mailsPerSecond = mailsParsed / mailSeconds

// --- todoku: classifyReply ---------------------------------------------------------------------
for (let pass = 0; pass < 1000; pass++) for (const reply of replies) sink += classifyReply(reply).reason.length
const replyPasses = Math.ceil(MIN_REPLIES / replies.length)
started = process.hrtime.bigint()
for (let pass = 0; pass < replyPasses; pass++) {
  for (const reply of replies) sink += classifyReply(reply).reason.length
}
const replySeconds = Number(process.hrtime.bigint() - started) / 1e9
const repliesClassified = replyPasses * replies.length
const repliesPerSecond = repliesClassified / replySeconds

// --- Sisimai -----------------------------------------------------------------------------------
const perl = spawnSync('perl', [SISIMAI_SCRIPT, String(SISIMAI_MIN_SECONDS), ...files], { encoding: 'utf8', maxBuffer: 1 << 20 })
if (perl.status !== 0) fail(`bench/sisimai-parse.pl failed (${perl.status}): ${perl.stderr.trim().split('\n').slice(-3).join(' / ')}`)
const sisimai = JSON.parse(perl.stdout.trim().split('\n').pop()!) as {
  version: string; mails: number; seconds: number; mailsPerSecond: number; recipients: number
}

const speedup = mailsPerSecond / sisimai.mailsPerSecond
const rows: [string, string][] = [
  ['machine', `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`],
  ['node', process.version],
  ['corpus', `${mails.length} mails (${(mails.reduce((n, m) => n + m.length, 0) / 1048576).toFixed(1)} MiB), ${replies.length} replies`],
  ['todoku parseBounce', `${mailsParsed} mails in ${mailSeconds.toFixed(3)} s = ${Math.round(mailsPerSecond)} mails/s (${recipients} recipients per pass)`],
  ['todoku classifyReply', `${repliesClassified} replies in ${replySeconds.toFixed(3)} s = ${Math.round(repliesPerSecond)} replies/s`],
  [`Sisimai ${sisimai.version}`, `${sisimai.mails} mails in ${sisimai.seconds.toFixed(3)} s = ${Math.round(sisimai.mailsPerSecond)} mails/s (${sisimai.recipients} recipients per pass)`],
]
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(22)}${value}\n`)
if (sink < 0) process.stdout.write('\n') // keeps the timed results alive
process.stdout.write(`bounce-speedup-vs-sisimai ${speedup.toFixed(1)} mails-per-s ${Math.round(mailsPerSecond)} replies-per-s ${Math.round(repliesPerSecond)}\n`)
