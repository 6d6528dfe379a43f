import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBase64, decodeCharset, decodeHeaderValue, decodeQuotedPrintable, decodeTransfer } from './decode.ts'

// The decoders work on "binary" strings (one char per octet), as the parser carries them.
const octets = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1')

// 宛先不明 ("destination unknown") in each Japanese charset, made with iconv(1).
const ATESAKI_ISO_2022_JP = '1b24423038406849544c401b2842'
const ATESAKI_SHIFT_JIS = '88b690e6957396be'
const ATESAKI_EUC_JP = 'b0b8c0e8c9d4ccc0'
const ATESAKI_UTF_8 = Buffer.from('宛先不明').toString('hex')

test('decodes a B-encoded UTF-8 encoded-word', () => {
  assert.equal(decodeHeaderValue('=?UTF-8?B?44GC44KK44GM44Go44GG?='), 'ありがとう')
})

test('decodes a Q-encoded word, underscores as spaces', () => {
  assert.equal(decodeHeaderValue('=?utf-8?q?Undelivered_Mail_Returned_to_Sender_=E2=80=94_caf=C3=A9?='), 'Undelivered Mail Returned to Sender — café')
})

test('decodes ISO-2022-JP and Shift_JIS encoded-words', () => {
  assert.equal(decodeHeaderValue('=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?='), 'こんにちは')
  assert.equal(decodeHeaderValue('=?Shift_JIS?B?grGC8YLJgr+CzQ==?='), 'こんにちは')
  assert.equal(decodeHeaderValue('=?iso-2022-jp?b?GyRCMDhAaElUTEAbKEI=?='), '宛先不明')
})

test('drops the whitespace between adjacent encoded-words and keeps the text around them', () => {
  // RFC 2047 §6.2: linear white space between two encoded-words is ignored.
  assert.equal(
    decodeHeaderValue('Re: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=\n =?ISO-2022-JP?B?GyRCMDhAaElUTEAbKEI=?= (notice)'),
    'Re: こんにちは宛先不明 (notice)',
  )
  assert.equal(decodeHeaderValue('=?UTF-8?Q?a?= b =?UTF-8?Q?c?='), 'a b c')
})

test('joins a character that a mailer split across two encoded-words', () => {
  // あ is E3 81 82; some mailers cut words by bytes, against RFC 2047 §5 (3).
  assert.equal(decodeHeaderValue('=?UTF-8?B?44E=?= =?UTF-8?B?gg==?='), 'あ')
  assert.equal(decodeHeaderValue('=?UTF-8?Q?=E3=81?= =?UTF-8?Q?=82?='), 'あ')
})

test('reads the RFC 2231 language suffix on an encoded-word charset', () => {
  assert.equal(decodeHeaderValue('=?ISO-2022-JP*ja?B?GyRCJDMkcyRLJEEkTxsoQg==?='), 'こんにちは')
})

test('leaves an encoded-word of an unknown charset as written', () => {
  assert.equal(decodeHeaderValue('=?x-no-such-charset?B?YWJj?='), '=?x-no-such-charset?B?YWJj?=')
})

test('reads raw 8-bit header text as UTF-8, else as a Japanese charset', () => {
  assert.equal(decodeHeaderValue(octets(ATESAKI_UTF_8)), '宛先不明')
  assert.equal(decodeHeaderValue(octets(ATESAKI_SHIFT_JIS)), '宛先不明')
  assert.equal(decodeHeaderValue(octets(ATESAKI_ISO_2022_JP)), '宛先不明')
})

test('decodes ISO-2022-JP, Shift_JIS and EUC-JP bodies by their declared charset', () => {
  assert.equal(decodeCharset(octets(ATESAKI_ISO_2022_JP), 'ISO-2022-JP'), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_SHIFT_JIS), 'Shift_JIS'), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_SHIFT_JIS), 'x-sjis'), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_EUC_JP), 'euc-jp'), '宛先不明')
})

test('guesses the charset of 8-bit bytes mislabelled as ISO-2022-JP', () => {
  // ISO-2022-JP is 7-bit: 8-bit bytes under that label come from a mailer that lied.
  assert.equal(decodeCharset(octets(ATESAKI_SHIFT_JIS), 'iso-2022-jp'), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_EUC_JP), 'iso-2022-jp'), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_UTF_8), 'iso-2022-jp'), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_UTF_8), 'us-ascii'), '宛先不明')
})

test('guesses undeclared and unknown-charset text, and passes ASCII through', () => {
  assert.equal(decodeCharset(octets(ATESAKI_ISO_2022_JP), undefined), '宛先不明')
  assert.equal(decodeCharset(octets(ATESAKI_EUC_JP), 'x-unheard-of'), '宛先不明')
  assert.equal(decodeCharset('550 5.1.1 User unknown', 'x-unheard-of'), '550 5.1.1 User unknown')
})

test('joins quoted-printable soft line breaks, LF or CRLF, with trailing spaces after the =', () => {
  assert.equal(decodeQuotedPrintable('550 5.1.1 The email acc=\nount that you tried=\r\n to reach =  \ndoes not exist'),
    '550 5.1.1 The email account that you tried to reach does not exist')
})

test('decodes quoted-printable escapes in either case and keeps a broken escape', () => {
  assert.equal(decodeQuotedPrintable('a=3Db =e3=81=82'), 'a=b \xe3\x81\x82')
  assert.equal(decodeQuotedPrintable('100=ZZ =4'), '100=ZZ =4')
  assert.equal(decodeQuotedPrintable('ends with ='), 'ends with =')
  assert.equal(decodeQuotedPrintable('=\r=0D=0A= \tx=\t\r\n'), '=\r\r\n= \tx')
})

test('decodes quoted-printable inside a header already read as text (code units above 0xff pass through)', () => {
  assert.equal(decodeQuotedPrintable('あ=E3=81=82 =\nい'), 'あ\xe3\x81\x82 い')
})

test('decodes base64 and ignores line breaks and junk in it', () => {
  assert.equal(decodeBase64('U3RhdHVz\nOiA1LjEu\r\nMQ=='), 'Status: 5.1.1')
  assert.equal(decodeBase64('U3Rh!!dHVz'), 'Status')
  assert.equal(decodeBase64('%%%'), '')
})

test('picks the transfer decoding by Content-Transfer-Encoding, case-insensitively', () => {
  assert.equal(decodeTransfer('QUJD', ' Base64 '), 'ABC')
  assert.equal(decodeTransfer('A=3DB', 'Quoted-Printable'), 'A=B')
  assert.equal(decodeTransfer('A=3DB', '8bit'), 'A=3DB')
  assert.equal(decodeTransfer('A=3DB', undefined), 'A=3DB')
})
