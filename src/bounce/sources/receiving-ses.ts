// Amazon SES email receiving: the notice SES's inbound endpoint sends when a receipt rule
// bounces a message ("This message could not be delivered."), with a delivery-status part
// whose Reporting-MTA is the inbound endpoint.
// https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-bounce.html

import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource } from './types.ts'
import { factsOf } from './mail-facts.ts'

// Reporting-MTA: dns; inbound-smtp.us-west-2.amazonaws.com
const INBOUND_MTA = /^inbound-smtp\.[a-z0-9-]+\.amazonaws\.com$/i

export const receivingSes: BounceSource = {
  name: 'ReceivingSES',
  description: 'Amazon SES email receiving: https://docs.aws.amazon.com/ses/latest/dg/receiving-email.html',
  inquire(mail) {
    // X-SES-Outgoing: 2015.10.01-54.240.27.6 / Message-ID: <…@us-west-2.amazonses.com>
    const messageId = factsOf(mail).messageId
    if (mail.headers.get('x-ses-outgoing') === undefined && !messageId.endsWith('amazonses.com>')) return undefined
    if (!mail.deliveryStatus) return undefined
    const report = factsOf(mail).report
    if (!INBOUND_MTA.test(report.reportingMta ?? '')) return undefined
    return { recipients: report.recipients.map((fields) => rawFromDsn(fields, report)) }
  },
}
