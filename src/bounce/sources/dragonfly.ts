// DragonFly Mail Agent (dma) bounces: "Mail delivery failed", one recipient per notice.
//   "This is the DragonFly Mail Agent v0.13 at df.example.jp."
//   "There was an error delivering your mail to <kijitora@example.jp>."
//   "mx.example.jp [192.0.2.1] did not like our RCPT TO:"
//   "550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown"
//   "Original message follows." (or "Message headers follow.")
// Wording: DragonFlyBSD libexec/dma/mail.c (bounce()), net.c ("did not like our %s:"), dma.c
// ("Could not deliver for the last %d seconds. Giving up.").
import type { ParsedMail } from '../mail/index.ts'
import { commandAt } from './smtp-command.ts'
import type { BounceSource, SourceResult } from './types.ts'
import { factsOf } from './mail-facts.ts'

const SIGNATURE = 'this is the dragonfly mail agent'
const RECEIVED_MARK = '(DragonFly Mail Agent'
// "There was an error delivering your mail to <kijitora@example.jp>."
const RECIPIENT_LINE = /^There was an error delivering your mail to <([^<>\s]+)>\.?\s*$/i
/** mail.c's separators before the returned message. */
const ENDS: readonly string[] = ['original message follows.', 'message headers follow.']
/** dma.c when the queue lifetime ran out. */
const EXPIRED_PHRASE = 'could not deliver for the last'
// "mx.example.jp [192.0.2.1] did not like our RCPT TO:"
const DID_NOT_LIKE = /^(\S+)\s+\[[^\]]*\]\s+did not like our (.+?):?\s*$/i

export const dragonfly: BounceSource = {
  name: 'DragonFly',
  description: 'DragonFly Mail Agent: https://github.com/corecode/dma',
  inquire(mail: ParsedMail): SourceResult | undefined {
    const byDma = factsOf(mail).received.some((line) => line.includes(RECEIVED_MARK))
    if (!byDma && !factsOf(mail).head(1000).includes(SIGNATURE)) return undefined
    let recipient = ''
    const lines: string[] = []
    for (const raw of mail.text.split('\n')) {
      const line = raw.trim()
      if (!recipient) {
        recipient = RECIPIENT_LINE.exec(line)?.[1] ?? ''
        continue
      }
      if (ENDS.includes(line.toLowerCase())) break
      if (line) lines.push(line)
    }
    if (!recipient) return undefined
    const stage = DID_NOT_LIKE.exec(lines[0] ?? '')
    const diagnosticCode = lines.join(' ')
    return {
      recipients: [{
        recipient,
        diagnosticCode,
        command: stage ? commandAt(stage[2]) : undefined,
        remoteMta: stage?.[1],
        reason: diagnosticCode.toLowerCase().includes(EXPIRED_PHRASE) ? 'expired' : undefined,
        dsnAction: 'failed',
      }],
    }
  },
}
