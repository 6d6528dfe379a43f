import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressIn, addressesIn, isAddress } from './address.ts'

test('takes the address from a value where one is expected, dotless hosts too', () => {
  assert.equal(addressIn('<kijitora@example.jp>'), 'kijitora@example.jp')
  assert.equal(addressIn('kijitora@mailhub0.'), 'kijitora@mailhub0')
  assert.equal(addressIn('"Neko" <neko@example.org>, other'), 'neko@example.org')
})

test('finds no address in a pipe or a route', () => {
  assert.equal(addressIn("|IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #kijitora@example.jp"), undefined)
  assert.equal(addressIn('"|/home/kijitora/mail/catch.pl"'), undefined)
  assert.equal(addressIn('@mx.example.org'), undefined)
  assert.equal(addressIn(undefined), undefined)
})

test('says whether a line is one address and nothing else', () => {
  assert.equal(isAddress('<kijitora@example.jp>'), true)
  assert.equal(isAddress('kijitora@example.jp'), true)
  assert.equal(isAddress('"|IFS=\' \' && exec procmail #kijitora"'), false)
  assert.equal(isAddress('kijitora@example.jp said'), false)
})

test('lists the dotted-domain addresses of running text', () => {
  assert.deepEqual(addressesIn('To: a@example.jp, "B" <b@example.org>; not at@ all, c@localhost'), ['a@example.jp', 'b@example.org'])
  assert.deepEqual(addressesIn(undefined), [])
})
