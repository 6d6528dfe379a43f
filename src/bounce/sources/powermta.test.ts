import { powermta } from './powermta.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/powermta-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", status: "5.1.1", dsnAction: "failed", remoteMta: "mx.example.jp", reason: "userunknown", diagnostic: "550 5.1.1 <nobody@example.jp>... User unknown" },
]

describeSourceTable('PowerMTA', powermta, { 'powermta-01.eml': EXPECTED })

itIgnoresPlainMail('PowerMTA', powermta)
