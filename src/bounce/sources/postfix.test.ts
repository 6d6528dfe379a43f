import { postfix } from './postfix.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of test/fixtures/bounces/postfix-01.eml; `diagnostic` is a substring of diagnosticCode.
const EXPECTED: SourceRow[] = [
  { recipient: "nobody@example.jp", status: "5.1.1", dsnAction: "failed", command: "RCPT", remoteMta: "mx1.example.jp", diagnostic: "User unknown in local recipient table (in reply to RCPT TO command)" },
  { recipient: "full@example.jp", status: "4.2.2", dsnAction: "failed", command: "DATA", remoteMta: "mx1.example.jp", diagnostic: "Mailbox full, quota exceeded for this account (in reply to end of DATA command)" },
]

describeSourceTable('Postfix', postfix, { 'postfix-01.eml': EXPECTED })

itIgnoresPlainMail('Postfix', postfix)
