import { yahoo } from './yahoo.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "yahoo-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "command": "RCPT",
      "diagnostic": "550 5.1.1 <nobody@example.jp>... User Unknown"
    },
    {
      "recipient": "full@example.org",
      "replyCode": "552",
      "diagnostic": "552 5.2.2 Mailbox full"
    }
  ]
}

describeSourceTable('Yahoo', yahoo, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Yahoo', yahoo)
