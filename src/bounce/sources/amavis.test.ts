import { amavis } from './amavis.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/amavis-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', status: '5.6.3', diagnostic: '554 5.6.3 Reject, id=01000-01 - BAD_HEADER', dsnAction: 'failed', remoteMta: '192.0.2.25', reportingMta: 'filter.example.com' },
]

describeSourceTable('amavis', amavis, { 'amavis-01.eml': expected })

itIgnoresPlainMail('amavis', amavis)
