// Outlook.com (Hotmail, Live, MSN): the consumer service's own notices, "Delivery Status
// Notification (Failure|Delay)" from postmaster@…hotmail.com with a delivery-status part
// (Reporting-MTA such as BLU004-OMC3S13.hotmail.com, MIME boundary "…DSN=_…").

import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource, RawRecipient } from './types.ts'
import { factsOf } from './mail-facts.ts'

// This is an automatically generated Delivery Status Notification.
const NOTICE = 'This is an automatically generated Delivery Status Notification.'
const MICROSOFT_DOMAINS = ['hotmail', 'outlook', 'live.com', 'msn.com']
// Reporting-MTA: dns;BLU004-OMC3S13.hotmail.com  /  dns;blu2-omc4-s22.blu2.hotmail.com
const OMC_HOST = /^[a-z]{3}\d*-omc\d/i
// Delivery to the following recipients has been delayed.
// Unable to deliver message to the following recipients, due to being unable to connect successfully to the destination mail server.
const SUMMARY = / the following recipients/

export const outlook: BounceSource = {
  name: 'Outlook',
  description: 'Outlook.com: https://outlook.live.com/',
  inquire(mail) {
    if (!(mail.headers.get('subject') ?? '').startsWith('Delivery Status Notification')) return undefined
    if (!mail.text.includes(NOTICE)) return undefined
    const report = factsOf(mail).report
    const from = factsOf(mail).from
    const isMicrosoft = MICROSOFT_DOMAINS.some((domain) => from.includes(domain)) || OMC_HOST.test(report.reportingMta ?? '') ||
      MICROSOFT_DOMAINS.some((domain) => (report.reportingMta ?? '').toLowerCase().includes(domain))
    if (!isMicrosoft || report.recipients.length === 0) return undefined
    const summary = mail.text.split('\n').find((line) => SUMMARY.test(line))?.trim()
    return {
      recipients: report.recipients.map((fields): RawRecipient => {
        const raw = rawFromDsn(fields, report)
        // Status 4.x.x on a "failed" recipient: the queue gave up on a temporary failure.
        const isGivenUp = raw.dsnAction === 'delayed' || (raw.dsnAction === 'failed' && raw.status?.startsWith('4.'))
        return { ...raw, diagnosticCode: raw.diagnosticCode ?? summary, ...(isGivenUp ? { reason: 'expired' as const } : {}) }
      }),
    }
  },
}
