// `npm run bench:content`: messages linted per second by the content preflight (lintMessage,
// every check, no scanners), for a 10 KB newsletter (text + HTML, Japanese, links, footer) and
// a 1 MB message (the same with a ~1 MB zip attachment whose directory is read). Three rounds
// of at least 2 s each; the median is reported. Also timed: the two messages bench/api.ts injects
// (a plain 10 KB raw message; the structured newsletter as todoku composes it), whose lint is
// what the preflight adds at injection there. The last line is the summary, exactly:
//   content-10kb-msgs-per-s A content-1mb-msgs-per-s B
import { deflateRawSync } from 'node:zlib'
import { lintMessage } from '../src/content/index.ts'
import { checkStructuredMessage, composeMessage } from '../src/injection/compose-message.ts'
import { RAW_MESSAGE, STRUCTURED_MESSAGE } from './api-messages.ts'

const ROUND_MS = Number(process.env.ROUND_MS ?? 2000)
const ROUNDS = 3

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n')
}

const paragraph = 'いつもご利用ありがとうございます。秋のセールを開催します。詳しくは https://shop.example.jp/sale をご覧ください。\n'
const text = `${paragraph.repeat(18)}\n発行: 株式会社エグザンプル\n〒100-0001 東京都千代田区千代田1-1\nお問い合わせ: support@example.jp / 03-1234-5678\n配信停止はこちら: https://example.jp/unsubscribe?u=abc\n`
const html = `<html><body>${paragraph.repeat(18).split('\n').map((line) => `<p>${line} <a href="https://shop.example.jp/item">shop.example.jp</a></p>`).join('\n')}<p><img src="https://img.example.jp/a.png"></p><p><a href="https://example.jp/unsubscribe?u=abc">配信停止</a></p></body></html>`

function newsletter(extraParts: string): Buffer {
  const mixed = extraParts !== ''
  const alternative = `Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(Buffer.from(text))}\r\n--alt\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(Buffer.from(html))}\r\n--alt--\r\n`
  const body = mixed ? `Content-Type: multipart/mixed; boundary="mix"\r\n\r\n--mix\r\n${alternative}\r\n${extraParts}--mix--\r\n` : alternative
  return Buffer.from(`DKIM-Signature: v=1; a=rsa-sha256; d=example.jp; s=s1; h=from:to; bh=x; b=y\r\nFrom: =?UTF-8?B?${Buffer.from('エグザンプル').toString('base64')}?= <news@example.jp>\r\nTo: reader@example.net\r\nSubject: =?UTF-8?B?${Buffer.from('【広告】秋のセール').toString('base64')}?=\r\nDate: Mon, 02 Nov 2026 09:00:00 +0900\r\nMessage-ID: <bench.1@example.jp>\r\nList-Unsubscribe: <https://example.jp/u/1>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nPrecedence: bulk\r\nMIME-Version: 1.0\r\n${body}`, 'latin1')
}

/** A zip of one stored ~760 KB file, built by hand (local header, data, central directory, end record). */
function zipOf(name: string, data: Buffer): Buffer {
  const compressed = deflateRawSync(data, { level: 0 })
  const nameBytes = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(8, 8); local.writeUInt32LE(compressed.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBytes.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(8, 10); central.writeUInt32LE(compressed.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBytes.length, 28)
  const directoryOffset = local.length + nameBytes.length + compressed.length
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10); end.writeUInt32LE(central.length + nameBytes.length, 12); end.writeUInt32LE(directoryOffset, 16)
  return Buffer.concat([local, nameBytes, compressed, central, nameBytes, end])
}

const small = newsletter('')
let filler = ''
for (let index = 0; filler.length < 760 * 1024; index++) filler += `row ${index}, ${(index * 7919) % 1000003}\n`
const attachment = `--mix\r\nContent-Type: application/zip; name="report.zip"\r\nContent-Disposition: attachment; filename="report.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(zipOf('report.csv', Buffer.from(filler)))}\r\n`
const large = newsletter(attachment)

function rate(message: Buffer): number {
  const findings = lintMessage(message)
  if (findings.some((finding) => finding.severity === 'error')) throw new Error(`the bench message has errors: ${findings.map((finding) => finding.id).join(', ')}`)
  const rates: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0
    const started = performance.now()
    while (performance.now() - started < ROUND_MS) {
      lintMessage(message)
      count++
    }
    rates.push(count / ((performance.now() - started) / 1000))
  }
  return rates.sort((a, b) => a - b)[1]
}

const { loadavg } = await import('node:os')
const smallRate = rate(small)
const largeRate = rate(large)
console.log(`10 KB-class message: ${small.length} bytes, ${smallRate.toFixed(0)} msgs/s (${(smallRate * small.length / 1024 / 1024).toFixed(1)} MB/s)`)
console.log(`1 MB-class message: ${large.length} bytes, ${largeRate.toFixed(0)} msgs/s (${(largeRate * large.length / 1024 / 1024).toFixed(1)} MB/s)`)
const checked = checkStructuredMessage(STRUCTURED_MESSAGE)
if (!checked.ok) throw new Error(`bench/api-messages.ts: the structured message is refused: ${JSON.stringify(checked.errors)}`)
const apiMessages = { 'bench:api raw': Buffer.from(RAW_MESSAGE), 'bench:api structured': await composeMessage(checked.message, { nowMs: Date.now(), messageId: '<bench.2@example.jp>', boundary: 'bench' }) }
for (const [name, message] of Object.entries(apiMessages)) {
  const messageRate = rate(message)
  console.log(`${name} message: ${message.length} bytes, ${messageRate.toFixed(0)} msgs/s (${(1e6 / messageRate).toFixed(1)} µs a message)`)
}
console.log(`load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`)
console.log(`content-10kb-msgs-per-s ${smallRate.toFixed(0)} content-1mb-msgs-per-s ${largeRate.toFixed(0)}`)
