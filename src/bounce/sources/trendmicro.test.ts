import { trendMicro } from './trendmicro.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/trendmicro-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '550 5.1.1 <alice@example.com>... User unknown', command: 'RCPT' },
  { recipient: 'bob@example.org', diagnostic: 'Unable to deliver message to <bob@example.org>', reason: 'userunknown' },
]

describeSourceTable('trendMicro', trendMicro, { 'trendmicro-01.eml': expected })

itIgnoresPlainMail('trendMicro', trendMicro)
