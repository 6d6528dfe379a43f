import { verizon } from './verizon.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "verizon-01.eml": [
    {
      "recipient": "2125550100@vzwpix.com",
      "diagnostic": "No valid recipients for this MM",
      "reason": "userunknown"
    }
  ]
}

describeSourceTable('Verizon', verizon, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Verizon', verizon)
