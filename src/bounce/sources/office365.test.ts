import { office365 } from './office365.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "office365-01.eml": [
    {
      "recipient": "nobody@example.com",
      "dsnAction": "failed",
      "diagnostic": "550 5.1.10 RESOLVER.ADR.RecipientNotFound"
    }
  ]
}

describeSourceTable('Office365', office365, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Office365', office365)
