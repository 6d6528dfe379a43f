import { imailServer } from './imailserver.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/imailserver-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: 'Unknown user', reason: 'userunknown' },
  { recipient: 'bob@example.org', diagnostic: 'Delivery failed 3 attempts', reason: 'expired' },
]

describeSourceTable('imailServer', imailServer, { 'imailserver-01.eml': expected })

itIgnoresPlainMail('imailServer', imailServer)
