import { activeHunter } from './activehunter.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/activehunter-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '552 5.2.2 <alice@example.com>: Mailbox full' },
]

describeSourceTable('activeHunter', activeHunter, { 'activehunter-01.eml': expected })

itIgnoresPlainMail('activeHunter', activeHunter)
