// Amazon WorkMail: the notice WorkMail (sending through SES) returns, whose text pastes the
// delivery-status fields under "Technical report:".
// https://docs.aws.amazon.com/workmail/latest/adminguide/

import { parseDeliveryStatus, rawFromDsn } from './delivery-status.ts'
import type { BounceSource } from './types.ts'
import { factsOf } from './mail-facts.ts'

// X-Mailer: Amazon WorkMail
const MAILER = 'amazon workmail'
// An error occurred while trying to deliver the mail to the following recipients:
// kijitora@example.jp
//
// Technical report:
//
// Reporting-MTA: dsn; a27-85.smtp-out.us-west-2.amazonses.com
const TECHNICAL_REPORT = 'Technical report:'

export const amazonWorkmail: BounceSource = {
  name: 'AmazonWorkMail',
  description: 'Amazon WorkMail: https://aws.amazon.com/workmail/',
  inquire(mail) {
    if (!factsOf(mail).xMailer.startsWith(MAILER)) return undefined
    const reportAt = mail.text.indexOf(TECHNICAL_REPORT)
    const text = mail.deliveryStatus ?? (reportAt === -1 ? '' : mail.text.slice(reportAt + TECHNICAL_REPORT.length))
    const report = parseDeliveryStatus(text)
    if (report.recipients.length === 0) return undefined
    return { recipients: report.recipients.map((fields) => rawFromDsn(fields, report)) }
  },
}
