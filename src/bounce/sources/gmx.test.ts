import { gmx } from './gmx.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "gmx-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "command": "RCPT",
      "remoteMta": "mx.example.jp",
      "dsnAction": "failed",
      "diagnostic": "5.1.1 <nobody@example.jp>... User Unknown"
    }
  ]
}

describeSourceTable('GMX', gmx, expected, { absentMeansUnset: true })

itIgnoresPlainMail('GMX', gmx)
