import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseMail } from '../mail/index.ts'
import { factsOf } from './mail-facts.ts'

const MAIL = [
  'From: Mail Delivery System <MAILER-DAEMON@MX.example.JP>',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <20240101.ABC@MX.example.jp>',
  'Content-Type: text/plain',
  'Received: from MX.example.jp (192.0.2.1)',
  'Received: by relay.example.jp (Postfix)',
  '',
  'This is the MAIL SYSTEM at host mx.example.jp.',
  'İstanbul ΟΔΟΣ: after the first non-ASCII character.',
].join('\n')

test('gives each guard fact exactly as the expression it stands for', () => {
  const mail = parseMail(MAIL)
  const facts = factsOf(mail)
  assert.equal(facts.from, (mail.headers.get('from') ?? '').toLowerCase())
  assert.equal(facts.subject, 'undelivered mail returned to sender')
  assert.equal(facts.messageId, '<20240101.abc@mx.example.jp>')
  assert.equal(facts.contentType, 'text/plain')
  assert.equal(facts.xMailer, '')
  assert.deepEqual(facts.received, mail.headers.getAll('received'))
  assert.deepEqual(facts.receivedLower, mail.headers.getAll('received').map((line) => line.toLowerCase()))
  assert.equal(facts.deliveryStatus, undefined)
  assert.deepEqual(facts.report, { recipients: [], groups: [] })
})

test('gives the same facts object for the same mail, another for another mail', () => {
  const mail = parseMail(MAIL)
  assert.equal(factsOf(mail), factsOf(mail))
  assert.notEqual(factsOf(mail), factsOf(parseMail(MAIL)))
})

test('lower-cases the head of the text as slicing then lower-casing would, before and after the whole text is lower-cased', () => {
  const mail = parseMail(MAIL)
  const sizes = [0, 10, 60, 70, 100, 10_000]
  const before = sizes.map((chars) => factsOf(mail).head(chars))
  assert.deepEqual(before, sizes.map((chars) => mail.text.slice(0, chars).toLowerCase()))
  const again = parseMail(MAIL)
  assert.equal(factsOf(again).text, again.text.toLowerCase())
  assert.deepEqual(sizes.map((chars) => factsOf(again).head(chars)), sizes.map((chars) => again.text.slice(0, chars).toLowerCase()))
})
