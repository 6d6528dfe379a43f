import { amazonSes } from './amazon-ses.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// One row per recipient of each of our own fixtures (test/fixtures/bounces/); `diagnostic` is a
// substring of the diagnostic text, every other field must be equal (absent = not set).
const expected: Readonly<Record<string, readonly SourceRow[]>> = {
  "amazonses-01.eml": [
    {
      "recipient": "nobody@example.jp",
      "status": "5.1.1",
      "dsnAction": "failed",
      "diagnostic": "User unknown"
    },
    {
      "recipient": "late@example.org",
      "status": "4.4.7",
      "replyCode": "421",
      "dsnAction": "failed",
      "reason": "expired",
      "diagnostic": "421 4.4.0 Unable to connect (554 4.4.7 Message expired"
    }
  ],
  "amazonses-03.eml": [
    {
      "recipient": "full@example.jp",
      "status": "5.0.0",
      "replyCode": "550",
      "dsnAction": "failed",
      "remoteMta": "[192.0.2.25]",
      "diagnostic": "550 5.2.2 <full@example.jp>... Mailbox is full, it can't take more"
    }
  ],
  "amazonses-02.eml": [
    {
      "recipient": "reader@example.net",
      "reason": "feedback",
      "feedbackType": "abuse"
    }
  ]
}

describeSourceTable('AmazonSES', amazonSes, expected, { absentMeansUnset: true })

itIgnoresPlainMail('AmazonSES', amazonSes)
