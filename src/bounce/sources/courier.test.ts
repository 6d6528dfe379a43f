import { courier } from './courier.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/courier-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", status: "5.1.1", dsnAction: "failed", command: "RCPT", remoteMta: "mx.example.jp", diagnostic: "550 5.1.1 <nobody@example.jp>: User unknown" },
]

describeSourceTable('Courier', courier, { 'courier-01.eml': EXPECTED })

itIgnoresPlainMail('Courier', courier)
