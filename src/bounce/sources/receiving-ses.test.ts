import { receivingSes } from './receiving-ses.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "receivingses-01.eml": [
    {
      "recipient": "full@example.jp",
      "status": "5.2.2",
      "dsnAction": "failed",
      "diagnostic": "552 5.2.2 Mailbox full"
    }
  ]
}

describeSourceTable('ReceivingSES', receivingSes, expected, { absentMeansUnset: true })

itIgnoresPlainMail('ReceivingSES', receivingSes)
