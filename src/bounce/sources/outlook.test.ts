import { outlook } from './outlook.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "outlook-01.eml": [
    {
      "recipient": "slow@example.jp",
      "status": "4.4.7",
      "dsnAction": "delayed",
      "reason": "expired",
      "diagnostic": "has been delayed"
    }
  ]
}

describeSourceTable('Outlook', outlook, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Outlook', outlook)
