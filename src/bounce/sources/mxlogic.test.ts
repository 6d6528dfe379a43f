import { mxLogic } from './mxlogic.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/mxlogic-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '550 5.1.1 <alice@example.com>: Recipient address rejected' },
  { recipient: 'bob@example.com', diagnostic: 'retry timeout exceeded', reason: 'expired' },
]

describeSourceTable('mxLogic', mxLogic, { 'mxlogic-01.eml': expected })

itIgnoresPlainMail('mxLogic', mxLogic)
