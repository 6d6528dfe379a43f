import { einsUndEins } from './eins-und-eins.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "einsundeins-01.eml": [
    {
      "recipient": "nobody@example.fr",
      "command": "RCPT",
      "remoteMta": "mx.example.fr",
      "dsnAction": "failed",
      "diagnostic": "550 5.1.1 <nobody@example.fr>: Recipient address rejected"
    }
  ]
}

describeSourceTable('EinsUndEins', einsUndEins, expected, { absentMeansUnset: true })

itIgnoresPlainMail('EinsUndEins', einsUndEins)
