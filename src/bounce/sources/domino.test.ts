import { domino } from './domino.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/domino-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@example.com', diagnostic: "non répertorié dans l'annuaire Domino", dsnAction: 'failed' },
]

describeSourceTable('domino', domino, { 'domino-01.eml': expected })

itIgnoresPlainMail('domino', domino)
