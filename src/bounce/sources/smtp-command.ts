// The SMTP command a bounce names, in the words MTAs use for it:
//   Postfix  "(in reply to RCPT TO command)", "(in reply to end of DATA command)"
//   Exim     "SMTP error from remote mail server after RCPT TO:<x@example.jp>:",
//            "after end of data:", "after initial connection:"
//   Sendmail ">>> RCPT To:<x@example.jp>", ">>> DATA"
//   DMA      "did not like our RCPT TO:", "did not like our final DATA:"
import type { SmtpCommand } from '../verdict.ts'

/** Words that open each command, lower-cased, most specific first. */
const COMMAND_WORDS: readonly (readonly [string, SmtpCommand])[] = [
  ['rcpt to', 'RCPT'],
  ['rcpt', 'RCPT'],
  ['mail from', 'MAIL'],
  ['mail', 'MAIL'],
  ['end of data', 'DATA'],
  ['final data', 'DATA'],
  ['data', 'DATA'],
  ['bdat', 'BDAT'],
  ['ehlo', 'EHLO'],
  ['helo', 'HELO'],
  ['starttls', 'TLS'],
  ['auth', 'AUTH'],
  ['initial connection', 'CONN'],
  ['initial greeting', 'CONN'],
  ['greeting', 'CONN'],
  // Postfix smtp_proto.c: "(in reply to message body)"
  ['message body', 'DATA'],
  ['connect', 'CONN'],
  ['quit', 'QUIT'],
]

/** The command a phrase such as "RCPT TO:<x@example.jp>" or "end of DATA" starts with. */
export function commandAt(phrase: string): SmtpCommand | undefined {
  const lowered = phrase.trimStart().toLowerCase()
  for (const [words, command] of COMMAND_WORDS) {
    if (!lowered.startsWith(words)) continue
    const next = lowered.charCodeAt(words.length)
    // "data" must not match "database"; ":" "<" " " or the end may follow.
    if (Number.isNaN(next) || !((next >= 97 && next <= 122) || (next >= 48 && next <= 57))) return command
  }
  return undefined
}

const IN_REPLY_TO = 'in reply to '
const SENT = '>>> '
const AFTER = ' after '

/**
 * The command named by Postfix's "(in reply to X command)", the last one a Sendmail transcript
 * sent (">>> RCPT To:<x@example.jp>"), or Exim's "… error … after X:".
 */
export function commandInText(text: string): SmtpCommand | undefined {
  const lowered = text.toLowerCase()
  const reply = lowered.lastIndexOf(IN_REPLY_TO)
  if (reply !== -1) return commandAt(lowered.slice(reply + IN_REPLY_TO.length))
  const sent = lowered.lastIndexOf(SENT)
  if (sent !== -1) return commandAt(lowered.slice(sent + SENT.length))
  const after = lowered.indexOf(AFTER)
  if (after !== -1 && lowered.lastIndexOf('error', after) !== -1) return commandAt(lowered.slice(after + AFTER.length))
  return undefined
}
