import { mcafee } from './mcafee.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/mcafee-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '552 5.2.2 <alice@example.com>... Mailbox full', remoteMta: '192.0.2.25', dsnAction: 'failed' },
]

describeSourceTable('mcafee', mcafee, { 'mcafee-01.eml': expected })

itIgnoresPlainMail('mcafee', mcafee)
