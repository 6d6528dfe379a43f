import { gmail } from './gmail.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "gmail-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "dsnAction": "failed",
      "remoteMta": "mx.example.jp",
      "diagnostic": "550 5.1.1 <nobody@example.jp>... User Unknown"
    }
  ],
  "gmail-02.eml": [
    {
      "recipient": "nobody@example.org",
      "status": "5.1.1",
      "dsnAction": "failed",
      "remoteMta": "mx.example.org",
      "diagnostic": "User unknown in local recipient table"
    }
  ],
  // "(state 18)", the end of DATA, with only the catch-all 5.7.0: the recipient side's filter.
  "gmail-03.eml": [
    {
      "recipient": "reader@example.net",
      "dsnAction": "failed",
      "command": "DATA",
      "reason": "filtered",
      "remoteMta": "mx.example.net",
      "diagnostic": "550 550 5.7.0 Message refused by local rules (state 18)."
    }
  ]
}

describeSourceTable('Gmail', gmail, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Gmail', gmail)
