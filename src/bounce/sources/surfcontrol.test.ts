import { surfControl } from './surfcontrol.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/surfcontrol-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', remoteMta: '192.0.2.25' },
]

describeSourceTable('surfControl', surfControl, { 'surfcontrol-01.eml': expected })

itIgnoresPlainMail('surfControl', surfControl)
