import { qmail } from './qmail.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/qmail-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", command: "RCPT", remoteMta: "192.0.2.30", diagnostic: "Remote host said: 550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown" },
  { recipient: "nohost@example.invalid", dsnAction: "failed", diagnostic: "Sorry, I couldn't find any host named example.invalid. (#5.1.2)" },
]

describeSourceTable('qmail', qmail, { 'qmail-01.eml': EXPECTED })

itIgnoresPlainMail('qmail', qmail)
