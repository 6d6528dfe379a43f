import { biglobe } from './biglobe.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "biglobe-01.eml": [
    {
      "recipient": "full@example.jp",
      "diagnostic": "recipient's mailbox exceeded the local limit"
    }
  ]
}

describeSourceTable('Biglobe', biglobe, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Biglobe', biglobe)
