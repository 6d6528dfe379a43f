import { exim } from './exim.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/exim-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", command: "RCPT", remoteMta: "mx.example.jp", diagnostic: "after RCPT TO:<nobody@example.jp>: 550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown" },
  { recipient: "gone@example.net", dsnAction: "failed", reason: "expired", diagnostic: "retry timeout exceeded" },
]

describeSourceTable('Exim', exim, { 'exim-01.eml': EXPECTED })

itIgnoresPlainMail('Exim', exim)
