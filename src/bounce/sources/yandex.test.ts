import { yandex } from './yandex.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "yandex-01.eml": [
    {
      "recipient": "full@example.jp",
      "status": "5.2.2",
      "dsnAction": "failed",
      "command": "RCPT",
      "remoteMta": "mx.example.jp",
      "diagnostic": "Mailbox Full"
    }
  ]
}

describeSourceTable('Yandex', yandex, expected, { absentMeansUnset: true })

itIgnoresPlainMail('Yandex', yandex)
