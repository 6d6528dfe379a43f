import { exchange2007 } from './exchange2007.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/exchange2007-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', status: '5.1.1', diagnostic: '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found', dsnAction: 'failed', reportingMta: 'mx1.example.com' },
  { recipient: 'carol@example.org', status: '4.4.7', diagnostic: 'QUEUE.Expired', reason: 'expired', remoteMta: 'mx.example.org' },
]

describeSourceTable('exchange2007', exchange2007, { 'exchange2007-01.eml': expected })

itIgnoresPlainMail('exchange2007', exchange2007)
