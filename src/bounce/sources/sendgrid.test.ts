import { sendgrid } from './sendgrid.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "sendgrid-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "status": "5.1.1",
      "command": "RCPT",
      "remoteMta": "mx.example.jp",
      "dsnAction": "failed",
      "diagnostic": "User Unknown"
    }
  ]
}

describeSourceTable('SendGrid', sendgrid, expected, { absentMeansUnset: true })

itIgnoresPlainMail('SendGrid', sendgrid)
