import { bigfoot } from './bigfoot.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "bigfoot-01.eml": [
    {
      "recipient": "nobody@example.org",
      "status": "5.1.1",
      "command": "RCPT",
      "dsnAction": "failed",
      "remoteMta": "mx.example.org",
      "diagnostic": "User unknown"
    }
  ]
}

describeSourceTable('Bigfoot', bigfoot, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Bigfoot', bigfoot)
