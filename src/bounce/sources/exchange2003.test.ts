import { exchange2003 } from './exchange2003.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/exchange2003-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '(000C05A6) Unknown Recipient', dsnAction: 'failed' },
  { recipient: 'bob@example.com', diagnostic: 'exceeds the maximum size', dsnAction: 'failed' },
]

describeSourceTable('exchange2003', exchange2003, { 'exchange2003-01.eml': expected })

itIgnoresPlainMail('exchange2003', exchange2003)
