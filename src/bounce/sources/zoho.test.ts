import { zoho } from './zoho.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "zoho-01.eml": [
    {
      "recipient": "nobody@example.org",
      "replyCode": "550",
      "dsnAction": "failed",
      "diagnostic": "User unknown"
    },
    {
      "recipient": "gone@example.net",
      "replyCode": "421",
      "dsnAction": "failed",
      "reason": "expired",
      "diagnostic": "Host not reachable"
    }
  ]
}

describeSourceTable('Zoho', zoho, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Zoho', zoho)
