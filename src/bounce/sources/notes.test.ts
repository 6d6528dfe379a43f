import { notes } from './notes.ts'
import { describeSourceTable, itIgnoresPlainMail, type SourceRow } from './source-table.ts'

// Our own sample (test/fixtures/bounces/notes-01.eml), one row per recipient.
const expected: SourceRow[] = [
  { recipient: 'alice@notes.example.com', diagnostic: 'User not listed in public Name & Address Book' },
  { recipient: 'bob@notes.example.com', diagnostic: 'User not listed in public Name & Address Book' },
  { recipient: 'carol@notes.example.com', diagnostic: 'Message has exceeded maximum hop count' },
]

describeSourceTable('notes', notes, { 'notes-01.eml': expected })

itIgnoresPlainMail('notes', notes)
