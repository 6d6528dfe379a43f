import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Reason } from '../reason.ts'
import { localAgentReason } from './local-agent.ts'

const rows: readonly [string, Reason | undefined][] = [
  ['mail.local: unknown user: alice 554 <alice@example.net>... Service unavailable', 'userunknown'],
  ['mail.local: Disc quota exceeded', 'mailboxfull'],
  ['procmail: Quota exceeded while writing "/var/mail/alice"', 'mailboxfull'],
  ['maildrop: maildir over quota.', 'mailboxfull'],
  ['vdelivermail: Sorry, no mailbox here by that name. (#5.1.1)', 'userunknown'],
  ['vdeliver: Invalid or unknown virtual user \'alice\'', 'userunknown'],
  ['Your message to <alice@example.jp> was automatically rejected: Quota exceeded (mailbox for user is full)', 'mailboxfull'],
  // The same words outside an agent's line are the reply classifier's business.
  ['550 5.2.2 quota exceeded', undefined],
  ['550 unknown user: alice', undefined],
  ['host mx.example.com said: 550 xmail.local: unknown user: alice', undefined],
  ['', undefined],
]

test('localAgentReason reads the local delivery agent\'s own messages only', () => {
  for (const [text, reason] of rows) assert.equal(localAgentReason(text), reason, text)
})
