import { googleGroups } from './google-groups.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "googlegroups-01.eml": [
    {
      "recipient": "team@googlegroups.com",
      "reason": "rejected",
      "dsnAction": "failed",
      "diagnostic": "may not exist"
    }
  ]
}

describeSourceTable('GoogleGroups', googleGroups, expected, { absentMeansUnset: true })

itIgnoresPlainMail('GoogleGroups', googleGroups)
