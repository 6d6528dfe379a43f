import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Reason } from '../reason.ts'
import { decideBounceReason, type BounceFacts } from './decide-bounce-reason.ts'

const facts = (over: Partial<BounceFacts> & { phrases?: Reason[] }): BounceFacts => ({
  phraseReasons: new Set(over.phrases ?? []),
  statusMeaning: '',
  status: '',
  replyCode: '',
  hasText: true,
  ...over,
})

describe('decideBounceReason', () => {
  const rows: readonly [string, BounceFacts, Reason][] = [
    ['a user-unknown phrase answering RCPT is the address', facts({ phrases: ['userunknown'], command: 'RCPT', replyCode: '550' }), 'userunknown'],
    ['a user-unknown phrase after DATA is a recipient-side filter', facts({ phrases: ['userunknown'], command: 'DATA', replyCode: '550' }), 'filtered'],
    ['a user-unknown phrase with no command known is a filter', facts({ phrases: ['userunknown'], status: '5.0.0', replyCode: '550' }), 'filtered'],
    ['5.1.1 alone says the address', facts({ statusMeaning: 'userunknown', status: '5.1.1' }), 'userunknown'],
    ['5.1.x beside a relaying phrase is not the address', facts({ statusMeaning: 'userunknown', status: '5.1.0', phrases: ['norelaying'] }), 'norelaying'],
    ['5.2.1 with "User unknown" at RCPT is the address', facts({ statusMeaning: 'filtered', status: '5.2.1', phrases: ['userunknown'], command: 'RCPT' }), 'userunknown'],
    ['a sender phrase answering MAIL is rejected', facts({ phrases: ['rejected'], command: 'MAIL' }), 'rejected'],
    ['a failed lookup is the network, not a missing domain', facts({ phrases: ['hostunknown', 'networkerror'] }), 'networkerror'],
    ['an expiry whose last error is a connection failure is networkerror', facts({ sourceReason: 'expired', phrases: ['networkerror'] }), 'networkerror'],
    ['a bare expiry stays expired', facts({ sourceReason: 'expired' }), 'expired'],
    ['a retried reason the format gave holds at its own turn, before a filter', facts({ sourceReason: 'userunknown', phrases: ['userunknown'] }), 'userunknown'],
    ['a retried reason the format gave still yields to an earlier reason', facts({ sourceReason: 'userunknown', phrases: ['mailboxfull'] }), 'mailboxfull'],
    ['5.4.4 beside a domain that takes no mail is notaccept, not a missing domain', facts({ statusMeaning: 'hostunknown', status: '5.4.4', phrases: ['notaccept'] }), 'notaccept'],
    ['a format reason outside the retry set wins', facts({ sourceReason: 'mailererror', phrases: ['userunknown'], command: 'RCPT' }), 'mailererror'],
    ['a receiver code beats generic phrases', facts({ providerReason: 'suspend', phrases: ['blocked'] }), 'suspend'],
    ['bare 5.7.x is a security refusal', facts({ status: '5.7.9', replyCode: '550' }), 'securityerror'],
    ['bare 5.6.x is a content error', facts({ status: '5.6.0', replyCode: '554' }), 'contenterror'],
    ['a bare 501 is a syntax error', facts({ replyCode: '501' }), 'syntaxerror'],
    ['a delayed DSN with nothing else is expired', facts({ dsnAction: 'delayed' }), 'expired'],
    ['a refusal at the greeting is blocked', facts({ command: 'CONN', replyCode: '554' }), 'blocked'],
    ['a text nothing explains is onhold', facts({ replyCode: '550' }), 'onhold'],
    ['no text at all is undefined', facts({ hasText: false }), 'undefined'],
  ]
  for (const [name, input, expected] of rows) {
    it(name, () => assert.equal(decideBounceReason(input).reason, expected))
  }
})
