import { kddi } from './kddi.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "kddi-01.eml": [
    {
      "recipient": "full@example.dion.ne.jp",
      "diagnostic": "As their mailbox is full."
    }
  ]
}

describeSourceTable('KDDI', kddi, expected, { absentMeansUnset: true })

itIgnoresPlainMail('KDDI', kddi)
