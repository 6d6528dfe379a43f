import { mailFoundry } from './mailfoundry.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/mailfoundry-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.org', diagnostic: 'responded with failure: 550 5.1.1', remoteMta: 'mx.example.org' },
]

describeSourceTable('mailFoundry', mailFoundry, { 'mailfoundry-01.eml': expected })

itIgnoresPlainMail('mailFoundry', mailFoundry)
