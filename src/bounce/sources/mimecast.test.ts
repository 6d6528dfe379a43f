import { mimecast } from './mimecast.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/mimecast-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', reportingMta: 'eu-smtp-1.mimecast.com' },
]

describeSourceTable('mimecast', mimecast, { 'mimecast-01.eml': expected })

itIgnoresPlainMail('mimecast', mimecast)
