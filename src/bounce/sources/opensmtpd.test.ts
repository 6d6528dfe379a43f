import { opensmtpd } from './opensmtpd.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/opensmtpd-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", diagnostic: "550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown" },
  { recipient: "late@example.net", dsnAction: "failed", reason: "expired", diagnostic: "Envelope expired" },
]

describeSourceTable('OpenSMTPD', opensmtpd, { 'opensmtpd-01.eml': EXPECTED })

itIgnoresPlainMail('OpenSMTPD', opensmtpd)
