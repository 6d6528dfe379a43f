import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { arf, UNDISCLOSED_RECIPIENT } from './arf.ts'

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url))

describe('ARF', () => {
  it('reports every Original-Rcpt-To of test/fixtures/bounces/arf-01.eml as feedback', () => {
    const found = arf.inquire(parseMail(fixture('bounces/arf-01.eml')))
    assert.deepEqual(found?.recipients.map((r) => [r.recipient, r.reason, r.feedbackType]), [
      ['reader@example.net', 'feedback', 'abuse'],
      ['second.reader@example.net', 'feedback', 'abuse'],
    ])
    assert.match(found?.recipients[0].diagnosticCode ?? '', /^This is an email abuse report/)
  })

  it('falls back to the returned message\'s To when the report has no Original-Rcpt-To', () => {
    const mail = fixture('bounces/arf-01.eml').toString('latin1').replace(/^Original-Rcpt-To:.*\n/gm, '')
    assert.deepEqual(arf.inquire(parseMail(mail))?.recipients.map((r) => r.recipient), ['reader@example.net'])
  })

  it('uses a stand-in address when the complaint names no recipient at all', () => {
    const mail = fixture('bounces/arf-01.eml').toString('latin1').replace(/^Original-Rcpt-To:.*\n/gm, '').replace('To: reader@example.net', 'To: <Undisclosed Recipients>')
    assert.deepEqual(arf.inquire(parseMail(mail))?.recipients.map((r) => r.recipient), [UNDISCLOSED_RECIPIENT])
  })

  it('reads a DMARC failure report as auth-failure feedback', () => {
    const mail = fixture('bounces/arf-01.eml').toString('latin1').replace('Feedback-Type: abuse', 'Feedback-Type: auth-failure\nAuth-Failure: dmarc')
    assert.equal(arf.inquire(parseMail(mail))?.recipients[0].feedbackType, 'auth-failure')
  })

  it('reads Apple Mail\'s unsubscribe request as opt-out feedback from its sender', () => {
    const mail = 'From: someone@example.com\nTo: list-unsub@example.jp\nSubject: unsubscribe\nAuto-Submitted: auto-replied\nX-Apple-Unsubscribe: true\n\nApple Mail sent this email to unsubscribe.\n'
    assert.deepEqual(arf.inquire(parseMail(mail))?.recipients.map((r) => [r.recipient, r.feedbackType]), [['someone@example.com', 'opt-out']])
  })

  for (const name of ['newsletter.eml', 'personal.eml', 'discussion-550.eml']) {
    it(`returns undefined for not-bounces/${name}`, () => {
      assert.equal(arf.inquire(parseMail(fixture(`not-bounces/${name}`))), undefined)
    })
  }
})
