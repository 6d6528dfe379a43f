import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseMail } from '../mail/index.ts'
import { rfc3834 } from './rfc3834.ts'

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url))

describe('RFC3834', () => {
  it('reads test/fixtures/bounces/rfc3834-01.eml as a vacation reply from the auto-replier', () => {
    const found = rfc3834.inquire(parseMail(fixture('bounces/rfc3834-01.eml')))
    assert.deepEqual(found?.recipients.map((r) => [r.recipient, r.reason]), [['taro@example.com', 'vacation']])
    assert.match(found?.recipients[0].diagnosticCode ?? '', /^I am out of the office until June 10/)
  })

  it('recognises an Outlook "Automatic reply:" without Auto-Submitted by its Exchange marks', () => {
    const mail = 'From: a@example.com\nTo: b@example.jp\nSubject: Automatic reply: hello\nX-Auto-Response-Suppress: All\n\nAway until Monday.\n'
    assert.equal(rfc3834.inquire(parseMail(mail))?.recipients[0].reason, 'vacation')
  })

  it('leaves the reason to the classifier when the auto-reply says the mailbox is gone', () => {
    const mail = 'From: <noreply@example.com>\nTo: b@example.jp\nSubject: AutoResponse\nAuto-Submitted: auto-replied\n\nThis email inbox x@example.com is no longer in use.\n'
    const found = rfc3834.inquire(parseMail(mail))
    assert.equal(found?.recipients[0].recipient, 'noreply@example.com')
    assert.equal(found?.recipients[0].reason, undefined)
  })

  it('does not take a person\'s mail with an "Out of office" subject for an auto-reply', () => {
    const mail = 'From: a@example.com\nTo: b@example.jp\nSubject: Out of office party on Friday\n\nWho is coming?\n'
    assert.equal(rfc3834.inquire(parseMail(mail)), undefined)
  })

  for (const name of ['newsletter.eml', 'personal.eml', 'discussion-550.eml']) {
    it(`returns undefined for not-bounces/${name}`, () => {
      assert.equal(rfc3834.inquire(parseMail(fixture(`not-bounces/${name}`))), undefined)
    })
  }
})
