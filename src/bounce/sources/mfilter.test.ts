import { mFilter } from './mfilter.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/mfilter-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '550 5.1.1 <alice@example.com>: Recipient address rejected', command: 'RCPT' },
]

describeSourceTable('mFilter', mFilter, { 'mfilter-01.eml': expected })

itIgnoresPlainMail('mFilter', mFilter)
