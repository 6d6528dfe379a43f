import { fml } from './fml.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/fml-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'outsider@example.com', diagnostic: 'NOT MEMBER article from', reason: 'rejected' },
]

describeSourceTable('fml', fml, { 'fml-01.eml': expected })

itIgnoresPlainMail('fml', fml)
