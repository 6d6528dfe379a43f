import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { classifyDiagnostic, classifyReply } from './classify-reply.ts'
import { REASONS } from './reason.ts'
import { ACTIONS } from './action.ts'

// Our own fixtures, written here in the style of each provider's published replies.
const CASES: readonly { reply: string; reason: string; action: string; permanent: boolean; provider?: string }[] = [
  { reply: '421-4.7.28 [198.51.100.7] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp', reason: 'ratelimited', action: 'pause_and_reduce', permanent: false, provider: 'google' },
  { reply: '550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. - gsmtp', reason: 'authfailure', action: 'fix_auth', permanent: true, provider: 'google' },
  { reply: '550 5.7.1 This message violates acme.example email policy. - gcdp 1234abcd - gsmtp', reason: 'policyviolation', action: 'contact_recipient_admin', permanent: true, provider: 'google' },
  { reply: '550 5.1.1 The email account that you tried to reach does not exist. - gsmtp', reason: 'userunknown', action: 'suppress_address', permanent: true, provider: 'google' },
  { reply: '452 4.2.2 The recipient\'s inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp', reason: 'mailboxfull', action: 'retry_then_suppress', permanent: false, provider: 'google' },
  { reply: '421 4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes', reason: 'ratelimited', action: 'pause_and_reduce', permanent: false, provider: 'yahoo' },
  { reply: '421 4.7.0 [TS03] All messages from 198.51.100.7 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes', reason: 'blocked', action: 'pause_and_reduce', permanent: true, provider: 'yahoo' },
  { reply: '550 5.7.1 Unfortunately, messages from [198.51.100.7] weren\'t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).', reason: 'blocked', action: 'request_delist', permanent: true, provider: 'microsoft' },
  { reply: '550 5.7.606 Access denied, banned sending IP [198.51.100.7]. To request removal from this list please visit https://sender.office.com/', reason: 'blocked', action: 'request_delist', permanent: true, provider: 'microsoft' },
  { reply: '550 5.7.515 Access denied, sending domain news.example does not meet the required authentication level.', reason: 'authfailure', action: 'fix_auth', permanent: true, provider: 'microsoft' },
  { reply: '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/102322', reason: 'spamdetected', action: 'review_content', permanent: true, provider: 'apple' },
  { reply: '550 Unknown user taro@docomo.ne.jp', reason: 'userunknown', action: 'suppress_address', permanent: true, provider: 'docomo' },
  { reply: '554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org', reason: 'blocked', action: 'request_delist', permanent: true },
  { reply: '450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html', reason: 'greylisted', action: 'retry_later', permanent: false },
  { reply: '552 5.2.2 <bob@example.org>: mailbox is full', reason: 'mailboxfull', action: 'retry_then_suppress', permanent: true },
  { reply: '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table', reason: 'userunknown', action: 'suppress_address', permanent: true },
  { reply: '554 5.7.1 <bob@example.org>: Relay access denied', reason: 'norelaying', action: 'fix_mta_config', permanent: true },
  { reply: '530 5.7.0 Must issue a STARTTLS command first', reason: 'failedstarttls', action: 'fix_tls', permanent: true },
  { reply: '421 4.3.2 Service shutting down, closing transmission channel', reason: 'systemerror', action: 'retry_later', permanent: false },
]

describe('classifyReply', () => {
  for (const expected of CASES) {
    test(`reads "${expected.reply.slice(0, 60)}…" as ${expected.reason} / ${expected.action}`, () => {
      const verdict = classifyReply(expected.reply)
      assert.equal(verdict.reason, expected.reason)
      assert.equal(verdict.action, expected.action)
      assert.equal(verdict.permanent, expected.permanent)
      if (expected.provider) assert.equal(verdict.provider, expected.provider)
    })
  }

  test('reads a multi-line reply whose phrase is split across lines', () => {
    const verdict = classifyReply('550-5.7.26 This mail has been blocked because the sender is\r\n550-5.7.26 unauthenticated. Gmail requires all senders to authenticate with\r\n550 5.7.26 either SPF or DKIM. - gsmtp')
    assert.equal(verdict.reason, 'authfailure')
    assert.equal(verdict.replyCode, '550')
    assert.equal(verdict.status, '5.7.26')
  })

  test('reads the same multi-line reply with its lines joined by spaces', () => {
    const verdict = classifyReply('550-5.7.1 [198.51.100.7 1] Our system has detected an unusual 550-5.7.1 rate of unsolicited mail originating from your IP address. To protect our 550 5.7.1 users from spam, mail sent from your IP address has been blocked. - gsmtp')
    assert.equal(verdict.reason, 'blocked')
    assert.equal(verdict.action, 'pause_and_reduce')
  })

  test('derives the enhanced status from the reason when the reply has none', () => {
    const verdict = classifyReply('550 No such user here')
    assert.equal(verdict.status, '5.1.1')
    assert.equal(verdict.reason, 'userunknown')
  })

  test('derives a catch-all status from the basic code alone', () => {
    assert.equal(classifyReply('421 mx.example.org closing connection').status, '4.0.0')
    assert.equal(classifyReply('554 mx.example.org').status, '5.0.0')
  })

  test('uses the enhanced status when no phrase is known', () => {
    assert.equal(classifyReply('550 5.1.1 <bob@example.org>').reason, 'userunknown')
    assert.equal(classifyReply('552 5.2.2 <bob@example.org>').reason, 'mailboxfull')
    assert.equal(classifyReply('550 5.1.2 <bob@example.invalid>').reason, 'hostunknown')
  })

  test('leaves the ambiguous 5.7.1 to its phrase', () => {
    assert.equal(classifyReply('550 5.7.1 Relaying denied').reason, 'norelaying')
    assert.equal(classifyReply('550 5.7.1 Message rejected as spam by Content Filtering').reason, 'spamdetected')
  })

  test('never suppresses the address for an authentication failure', () => {
    const replies = [
      '550 5.7.26 Unauthenticated email from example.com is not accepted due to domain\'s DMARC policy - gsmtp',
      '550 5.7.1 <bob@example.org>: Recipient address rejected: SPF check failed, user unknown',
      '421 4.7.27 SPF validation failed - gsmtp',
      '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification',
    ]
    for (const reply of replies) {
      const verdict = classifyReply(reply)
      assert.equal(verdict.reason, 'authfailure', reply)
      assert.notEqual(verdict.action, 'suppress_address', reply)
    }
  })

  test('calls only a bad address a hard bounce', () => {
    assert.equal(classifyReply('550 5.1.1 user unknown').hardBounce, true)
    assert.equal(classifyReply('553 5.1.2 host unknown').hardBounce, true)
    assert.equal(classifyReply('550 5.7.26 DMARC policy - gsmtp').hardBounce, false)
    assert.equal(classifyReply('552 5.2.2 mailbox full').hardBounce, false)
    assert.equal(classifyReply('556 5.1.10 Recipient domain does not accept mail (null MX)').hardBounce, true)
    assert.equal(classifyReply('250 2.0.0 OK queued').hardBounce, null)
  })

  test('names the rule that decided, with its file, line and example', () => {
    const verdict = classifyReply('421 4.7.28 Gmail has detected an unusual rate of mail originating from your IP address - gsmtp')
    assert.match(verdict.rule.source, /^data\/bounce-rules\/google\.toml:\d+$/)
    assert.ok(verdict.rule.example.length > 0)
  })

  test('holds an empty reply as onhold', () => {
    const verdict = classifyReply('')
    assert.equal(verdict.reason, 'onhold')
    assert.equal(verdict.permanent, false)
  })

  test('gives a 1xx or 3xx reply no status: enhanced status classes are 2, 4 and 5 only', () => {
    for (const text of ['300', '354 go ahead', '300 3.1.0 x', '199 hello']) {
      const verdict = classifyReply(text)
      assert.equal(verdict.status, '', text)
      assert.equal(verdict.permanent, false, text)
    }
  })

  test('never throws and returns the vocabulary on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => {
      const verdict = classifyReply(text)
      assert.ok(REASONS.includes(verdict.reason))
      assert.ok(ACTIONS.includes(verdict.action))
      assert.ok(verdict.status === '' || /^[245]\.\d{1,3}\.\d{1,3}$/.test(verdict.status))
    }), { numRuns: 2000 })
  })

  test('never throws on replies built from real fragments and control characters', () => {
    const fragment = fc.constantFrom('550', '-', ' ', '5.7.1', '4.16.55.1', 'user unknown', '\r\n', '\u0000', 'gsmtp', '[TSS04]', '日本語', '.', '421 ')
    fc.assert(fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
      classifyReply(parts.join(''))
    }), { numRuns: 2000 })
  })

  test('classifies a one-megabyte line in linear time', () => {
    const huge = `550 5.1.1 ${'x'.repeat(1024 * 1024)} user unknown`
    const started = process.hrtime.bigint()
    assert.equal(classifyReply(huge).reason, 'userunknown')
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
    assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`)
  })
})

describe('classifyDiagnostic', () => {
  test('reads a Postfix diagnostic that quotes the remote reply', () => {
    const verdict = classifyDiagnostic({
      text: 'host mx.example.com[192.0.2.1] said: 550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)',
      status: '5.1.1',
    })
    assert.equal(verdict.reason, 'userunknown')
    assert.equal(verdict.replyCode, '550')
    assert.equal(verdict.status, '5.1.1')
  })

  test('classifies by the DSN status when the text is empty', () => {
    const verdict = classifyDiagnostic({ text: '', status: '5.2.2' })
    assert.equal(verdict.reason, 'mailboxfull')
    assert.equal(verdict.status, '5.2.2')
    assert.equal(verdict.permanent, true)
  })

  test('prefers a specific text over a catch-all DSN status', () => {
    const verdict = classifyDiagnostic({ text: 'user unknown', status: '5.0.0' })
    assert.equal(verdict.reason, 'userunknown')
    assert.equal(verdict.status, '5.0.0')
  })

  test('prefers a specific DSN status over a catch-all one in the text', () => {
    const verdict = classifyDiagnostic({ text: '550 5.0.0 <x@example.com>', status: '5.1.1' })
    assert.equal(verdict.reason, 'userunknown')
    assert.equal(verdict.status, '5.1.1')
  })

  test('reads Japanese diagnostic text', () => {
    assert.equal(classifyDiagnostic({ text: 'この宛先は存在しません', status: '5.0.0' }).reason, 'userunknown')
    assert.equal(classifyDiagnostic({ text: 'メールボックスの容量を超えています' }).reason, 'mailboxfull')
  })

  test('treats a bounce whose DSN status is 5.x.x as final even after a 4xx reply', () => {
    const verdict = classifyDiagnostic({ text: '421 4.4.2 mx.example.com Error: timeout exceeded', status: '5.4.7' })
    assert.equal(verdict.reason, 'expired')
    assert.equal(verdict.permanent, true)
  })

  test('takes the provider from the remote host', () => {
    const verdict = classifyDiagnostic({ text: '550 5.1.1 user unknown', remoteHost: 'gmail-smtp-in.l.google.com' })
    assert.equal(verdict.provider, 'google')
    const yahoo = classifyDiagnostic({ text: '550 5.1.1 user unknown', remoteHost: 'mta7.am0.yahoodns.net' })
    assert.equal(yahoo.provider, 'yahoo')
  })
})
