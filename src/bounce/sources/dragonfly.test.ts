import { dragonfly } from './dragonfly.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/dragonfly-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", dsnAction: "failed", command: "RCPT", remoteMta: "mx.example.jp", diagnostic: "did not like our RCPT TO: 550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown" },
]

describeSourceTable('DragonFly', dragonfly, { 'dragonfly-01.eml': EXPECTED })

itIgnoresPlainMail('DragonFly', dragonfly)
