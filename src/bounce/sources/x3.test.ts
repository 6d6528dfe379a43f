import { x3 } from './x3.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/x3-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", command: "RCPT", remoteMta: "192.0.2.70", diagnostic: "550 5.1.1 <nobody@example.jp>... No such user here" },
]

describeSourceTable('X3', x3, { 'x3-01.eml': EXPECTED })

itIgnoresPlainMail('X3', x3)
