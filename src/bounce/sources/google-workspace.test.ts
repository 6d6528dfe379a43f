import { googleWorkspace } from './google-workspace.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "googleworkspace-01.eml": [
    {
      "recipient": "friend@example.net",
      "dsnAction": "failed",
      "diagnostic": "does not advertise AUTH capability"
    }
  ]
}

describeSourceTable('GoogleWorkspace', googleWorkspace, expected, { absentMeansUnset: true })

itIgnoresPlainMail('GoogleWorkspace', googleWorkspace)
