import { x1 } from './x1.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/x1-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", diagnostic: "User unknown" },
]

describeSourceTable('X1', x1, { 'x1-01.eml': EXPECTED })

itIgnoresPlainMail('X1', x1)
