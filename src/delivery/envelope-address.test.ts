import assert from 'node:assert/strict'
import { test } from 'node:test'
import { envelopeAddress, needsSmtpUtf8 } from './envelope-address.ts'

test('quotes a local part that is not a Dot-string, leaving the address itself as it was', () => {
  assert.equal(envelopeAddress('taro..yamada.@docomo.ne.jp'), '"taro..yamada."@docomo.ne.jp')
  assert.equal(envelopeAddress('.dot@ezweb.ne.jp'), '".dot"@ezweb.ne.jp')
  assert.equal(envelopeAddress('a"b\\c@example.jp'), '"a\\"b\\\\c"@example.jp')
})

test('keeps Dot-strings, UTF-8 local parts and quoted local parts as they are', () => {
  for (const address of ['taro.yamada@docomo.ne.jp', "o'brien+tag@example.com", 'ユーザー@例え.jp', '"already quoted"@example.com']) {
    assert.equal(envelopeAddress(address), address)
  }
})

test('asks for SMTPUTF8 only when an address has non-ASCII characters', () => {
  assert.equal(needsSmtpUtf8(['a@example.jp', '']), false)
  assert.equal(needsSmtpUtf8(['a@example.jp', 'ユーザー@例え.jp']), true)
})
