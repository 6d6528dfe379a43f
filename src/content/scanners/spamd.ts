// SpamAssassin's spamd, over its own protocol (SPAMC/1.5; spamassassin:spamd/PROTOCOL): the
// SYMBOLS command answers the score, the threshold and the rules that hit.
//
//   SYMBOLS SPAMC/1.5\r\nContent-length: 1234\r\nUser: todoku\r\n\r\n<message>
//   SPAMD/1.1 0 EX_OK\r\nContent-length: 35\r\nSpam: True ; 15.2 / 5.0\r\n\r\nMISSING_DATE,MISSING_MID,...
import type { Hit } from '../finding.ts'
import { exchange, ScannerError, type ContentScanner, type ScannerAddress } from './scanner.ts'

export interface SpamdOptions extends ScannerAddress {
  /** the spamd user whose preferences apply; default none */
  readonly user?: string
  /** larger messages are not sent (spamc's default -s is 500 KB: filters skip big mail too) */
  readonly maxMessageBytes?: number
}

export const DEFAULT_SPAMD_MAX_MESSAGE_BYTES = 500 * 1024
/** Threat: a daemon (or something on its port) answering without end. */
const MAX_SPAMD_REPLY_BYTES = 64 * 1024

export function createSpamdScanner(options: SpamdOptions): ContentScanner {
  const name = 'spamassassin'
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_SPAMD_MAX_MESSAGE_BYTES
  return {
    name,
    async scan(message: Uint8Array): Promise<Hit[]> {
      if (message.byteLength > maxMessageBytes) return []
      const head = `SYMBOLS SPAMC/1.5\r\nContent-length: ${message.byteLength}\r\n${options.user === undefined ? '' : `User: ${options.user}\r\n`}\r\n`
      const reply = await exchange(name, options, [Buffer.from(head, 'latin1'), message], MAX_SPAMD_REPLY_BYTES)
      return [parseSpamdReply(reply.toString('latin1'), options)]
    },
  }
}

/** A SYMBOLS reply as a hit: scanner.spam when spamd says True, else scanner.spam-score. */
export function parseSpamdReply(reply: string, address: { host: string; port: number }): Hit {
  const status = /^SPAMD\/\d+\.\d+ (\d+) (\S+)/.exec(reply)
  if (status === null || status[1] !== '0') {
    throw new ScannerError('CONTENT_SCANNER_PROTOCOL', 'spamassassin', `asking spamd at ${address.host}:${address.port}: it answered ${JSON.stringify(reply.slice(0, 80))}: expected "SPAMD/1.x 0 EX_OK"`)
  }
  const verdict = /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/im.exec(reply)
  if (verdict === null) throw new ScannerError('CONTENT_SCANNER_PROTOCOL', 'spamassassin', `asking spamd at ${address.host}:${address.port}: no Spam: header in its answer: expected "Spam: True ; 15.0 / 5.0"`)
  const bodyStart = reply.indexOf('\r\n\r\n')
  const symbols = bodyStart === -1 ? '' : reply.slice(bodyStart + 4).trim()
  const isSpam = /^(true|yes)$/i.test(verdict[1])
  return {
    id: isSpam ? 'scanner.spam' : 'scanner.spam-score',
    where: {},
    vars: { score: verdict[2], threshold: verdict[3], symbols: symbols === '' ? '(no rules)' : symbols.split(',').join(', ') },
  }
}
