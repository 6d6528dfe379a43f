import { v5sendmail } from './v5sendmail.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/v5sendmail-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", replyCode: "550", dsnAction: "failed", command: "RCPT", remoteMta: "mail.example.jp", diagnostic: "550 <nobody@example.jp>... User unknown" },
  { recipient: "someone@example.net", replyCode: "550", dsnAction: "failed", diagnostic: "550 Host unknown (Authoritative answer from name server)" },
]

describeSourceTable('V5sendmail', v5sendmail, { 'v5sendmail-01.eml': EXPECTED })

itIgnoresPlainMail('V5sendmail', v5sendmail)
