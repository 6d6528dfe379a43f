import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { MAX_ENVELOPE_ADDRESS_LENGTH, parseAddress, splitAddressList, toEnvelopeAddress } from './address.ts'

function ok(text: string) {
  const parsed = parseAddress(text)
  assert.ok(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.error}`)
  return parsed.address
}

function error(text: string): string {
  const parsed = parseAddress(text)
  assert.ok(!parsed.ok, `${text} was accepted`)
  return parsed.error
}

test('accepts a plain address and keeps it as it is', () => {
  assert.deepEqual(ok('taro@example.jp'), { local: 'taro', domain: 'example.jp', text: 'taro@example.jp', envelope: 'taro@example.jp', isLegacyLocalPart: false })
})

test('accepts docomo-style legacy addresses unchanged and quotes them only in the envelope', () => {
  for (const [input, envelope] of [
    ['taro..yamada.@docomo.ne.jp', '"taro..yamada."@docomo.ne.jp'],
    ['.hanako@ezweb.ne.jp', '".hanako"@ezweb.ne.jp'],
    ['abc...def@au.com', '"abc...def"@au.com'],
    ['user.@softbank.ne.jp', '"user."@softbank.ne.jp'],
    ['a..b@i.softbank.jp', '"a..b"@i.softbank.jp'],
  ]) {
    const address = ok(input)
    assert.equal(address.text, input)
    assert.equal(address.envelope, envelope)
    assert.equal(address.isLegacyLocalPart, true)
    assert.equal(toEnvelopeAddress(address.text), envelope)
  }
})

test('reads a quoted legacy local part as the same mailbox as the unquoted one', () => {
  assert.equal(ok('"taro..yamada."@docomo.ne.jp').text, 'taro..yamada.@docomo.ne.jp')
})

test('keeps a quoted local part with spaces quoted everywhere', () => {
  const address = ok('"john doe"@example.com')
  assert.equal(address.local, 'john doe')
  assert.equal(address.text, '"john doe"@example.com')
  assert.equal(address.envelope, '"john doe"@example.com')
})

test('turns an internationalized domain into punycode and lower-cases domains', () => {
  assert.equal(ok('taro@例え.jp').domain, 'xn--r8jz45g.jp')
  assert.equal(ok('Taro@Example.JP').text, 'Taro@example.jp')
})

test('reads display names, quoted or not, Japanese included', () => {
  assert.equal(ok('山田 太郎 <taro@example.jp>').display, '山田 太郎')
  assert.equal(ok('"Yamada, Taro" <taro@example.jp>').display, 'Yamada, Taro')
  assert.equal(ok('<taro@example.jp>').display, undefined)
})

test('names what was expected when an address is incomplete', () => {
  assert.equal(error('taro@'), '"taro@" is not an address: expected local@domain')
  assert.match(error('taro'), /expected local@domain/)
  assert.match(error('@example.jp'), /expected local@domain/)
})

test('rejects CR, LF and NUL where the address is made', () => {
  assert.match(error('taro@example.jp\r\nRCPT TO:<x@y.jp>'), /control character/)
  assert.match(error('ta\u0000ro@example.jp'), /control character/)
  assert.match(error('Taro\n <taro@example.jp>'), /control character/)
})

test('rejects bad domains with the reason', () => {
  assert.match(error('a@localhost'), /no dot/)
  assert.match(error('a@exa_mple.jp'), /label "exa_mple"/)
  assert.match(error('a@-x.jp'), /label "-x"/)
  assert.match(error('a@[192.0.2.1]'), /address literal/)
  assert.match(error('a@example.jp.'), /root dot/)
  assert.match(error('a@192.0.2.1'), /numeric label/)
  assert.match(error(`a@${'x'.repeat(64)}.jp`), /at most 63/)
})

test('enforces RFC 5321 length limits', () => {
  assert.match(error(`${'a'.repeat(65)}@example.jp`), /at most 64/)
  ok(`${'a'.repeat(64)}@example.jp`)
  const long = `${'a'.repeat(60)}@${Array.from({ length: 4 }, () => 'b'.repeat(60)).join('.')}.jp`
  assert.match(error(long), new RegExp(`at most (${MAX_ENVELOPE_ADDRESS_LENGTH}|253)`))
})

test('rejects non-ASCII local parts, which need SMTPUTF8', () => {
  assert.match(error('太郎@example.jp'), /SMTPUTF8/)
})

test('splits address lists at commas outside quotes and brackets', () => {
  assert.deepEqual(splitAddressList('"Yamada, T" <t@example.jp>, a@example.jp,, b@example.jp'), ['"Yamada, T" <t@example.jp>', 'a@example.jp', 'b@example.jp'])
})

test('property: parseAddress never throws, and what it accepts is safe for SMTP and headers', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
    const parsed = parseAddress(text)
    if (!parsed.ok) return typeof parsed.error === 'string' && parsed.error.length > 0
    const { envelope, text: stored } = parsed.address
    return !/[\u0000-\u001f\u007f<>]/.test(envelope) && !/[\r\n\u0000]/.test(stored) && envelope.length <= MAX_ENVELOPE_ADDRESS_LENGTH
  }), { numRuns: 2000 })
})

test('property: an accepted address parses again to the same mailbox, from its text and from its envelope', () => {
  const atext = fc.constantFrom(...'abcxyzABC0189!#$%&\'*+-/=?^_`{|}~.'.split(''))
  const local = fc.array(atext, { minLength: 1, maxLength: 30 }).map((chars) => chars.join(''))
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/)
  const domain = fc.tuple(label, fc.constantFrom('jp', 'com', 'ne.jp')).map(([l, tld]) => `${l}.${tld}`)
  fc.assert(fc.property(local, domain, (l, d) => {
    const parsed = parseAddress(`${l}@${d}`)
    if (!parsed.ok) return /^\.+$/.test(l)
    const again = parseAddress(parsed.address.text)
    const fromEnvelope = parseAddress(parsed.address.envelope)
    return again.ok && fromEnvelope.ok && again.address.text === parsed.address.text && fromEnvelope.address.text === parsed.address.text &&
      toEnvelopeAddress(parsed.address.text) === parsed.address.envelope
  }), { numRuns: 2000 })
})
