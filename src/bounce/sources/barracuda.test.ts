import { barracuda } from './barracuda.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/barracuda-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', status: '5.7.1', diagnostic: 'Message content rejected, UBE', reportingMta: 'barracuda.example.com' },
]

describeSourceTable('barracuda', barracuda, { 'barracuda-01.eml': expected })

itIgnoresPlainMail('barracuda', barracuda)
