import { mailMarshal } from './mailmarshal.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/mailmarshal-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: '552 5.2.2 Mailbox over quota', remoteMta: '192.0.2.25', reportingMta: 'relay.example.com' },
  { recipient: 'bob@example.com', diagnostic: '552 5.2.2 Mailbox over quota' },
]

describeSourceTable('mailMarshal', mailMarshal, { 'mailmarshal-01.eml': expected })

itIgnoresPlainMail('mailMarshal', mailMarshal)
