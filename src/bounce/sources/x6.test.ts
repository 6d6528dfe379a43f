import { x6 } from './x6.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/x6-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", command: "RCPT", remoteMta: "192.0.2.80", diagnostic: "[550 5.1.1 <nobody@example.jp>: User unknown]" },
]

describeSourceTable('X6', x6, { 'x6-01.eml': EXPECTED })

itIgnoresPlainMail('X6', x6)
