// SendGrid: the notice SendGrid returns ("This is an automatically generated message from
// SendGrid."), a one-line summary per recipient ("local:id:<addr> : ip : mx:[ip] : 550 … in RCPT
// TO") and a delivery-status part with X-SendGrid-QueueID.

import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource } from './types.ts'
import { commandAt } from './smtp-command.ts'
import { factsOf } from './mail-facts.ts'

const NOTICE = 'This is an automatically generated message from SendGrid.'
// X-SendGrid-QueueID: 959479146
const QUEUE_ID = 'X-SendGrid-QueueID:'
// kijitora:000000:<kijitora@example.jp> : 192.0.2.250 : mx.example.jp:[192.0.2.153] : 550 5.1.1 <kijitora@example.jp>... User Unknown  in RCPT TO
const SUMMARY = /:<([^>]+)> : \S+ : ([^:\s]+):\[[^\]]*\] : (.*?)\s+in (RCPT TO|MAIL FROM|DATA)\s*$/

export const sendgrid: BounceSource = {
  name: 'SendGrid',
  description: 'SendGrid: https://sendgrid.com/',
  inquire(mail) {
    if (!mail.text.includes(NOTICE) && !(mail.deliveryStatus ?? '').includes(QUEUE_ID)) return undefined
    const report = factsOf(mail).report
    const summaries = mail.text.split('\n').map((line) => SUMMARY.exec(line.trim())).filter((m) => m !== null)
    if (report.recipients.length === 0) {
      const recipients = summaries.map((m) => ({ recipient: m[1], diagnosticCode: m[3], remoteMta: m[2], command: commandAt(m[4]) }))
      return recipients.length > 0 ? { recipients } : undefined
    }
    return {
      recipients: report.recipients.map((fields) => {
        const summary = summaries.find((m) => m[1].toLowerCase() === fields.recipient.toLowerCase())
        const raw = rawFromDsn(fields, report)
        return { ...raw, remoteMta: raw.remoteMta ?? summary?.[2], command: summary ? commandAt(summary[4]) : undefined }
      }),
    }
  },
}
