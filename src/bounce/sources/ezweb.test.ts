import { ezweb } from './ezweb.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "ezweb-01.eml": [
    {
      "recipient": "nobody@ezweb.ne.jp",
      "command": "RCPT",
      "diagnostic": "550 <nobody@ezweb.ne.jp>: User unknown"
    }
  ]
}

describeSourceTable('EZweb', ezweb, expected, { absentMeansUnset: true })

itIgnoresPlainMail('EZweb', ezweb)
