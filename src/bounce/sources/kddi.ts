// KDDI au one net (dion.ne.jp and other au one net domains): "メールエラー通知" from
// no-reply@…dion.ne.jp, a Japanese preamble (ISO-2022-JP) and the server's English lines:
// "Your mail sent on: …", "Could not be delivered to: <addr>", then the reason ("As their
// mailbox is full.").

import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

// From: no-reply@x0000000000000.dion.ne.jp  /  Received: from nmomta.auone-net.jp
const KDDI_HOSTS = ['dion.ne.jp', 'auone-net.jp']
// Could not be delivered to: <kijitora@x0000000000000.dion.ne.jp>
const DELIVERED_TO = /^Could not be delivered to:\s*<?([^>\s]+@[^>\s]+)>?\s*$/
// Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900
const SENT_ON = 'Your mail sent on:'

export const kddi: BounceSource = {
  name: 'KDDI',
  description: 'au one net (KDDI): https://www.au.com/internet/',
  inquire(mail) {
    const from = factsOf(mail).from
    const isKddi = KDDI_HOSTS.some((host) => from.includes(host)) ||
      factsOf(mail).received.some((r) => KDDI_HOSTS.some((host) => r.includes(host)))
    if (!isKddi || !mail.text.includes(SENT_ON)) return undefined
    const recipients: RawRecipient[] = []
    const lines = mail.text.split('\n').map((line) => line.trim())
    for (let i = 0; i < lines.length; i++) {
      const match = DELIVERED_TO.exec(lines[i])
      if (!match) continue
      //      As their mailbox is full.
      const reason: string[] = []
      for (let j = i + 1; j < lines.length && lines[j] && !DELIVERED_TO.test(lines[j]); j++) reason.push(lines[j])
      recipients.push({ recipient: match[1], diagnosticCode: reason.join(' ') || undefined })
    }
    return recipients.length > 0 ? { recipients } : undefined
  },
}
