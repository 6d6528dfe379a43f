import { apacheJames } from './apachejames.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/apachejames-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '552 5.2.2 Mailbox full', dsnAction: 'failed' },
]

describeSourceTable('apacheJames', apacheJames, { 'apachejames-01.eml': expected })

itIgnoresPlainMail('apacheJames', apacheJames)
