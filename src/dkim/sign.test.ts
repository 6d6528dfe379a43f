// The correctness test of the signer is that someone else's verifier accepts it: every fixture is
// signed with each algorithm and checked with mailauth's dkimVerify, the public keys served by a
// resolver function instead of DNS.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import { createManualClock } from '../core/index.ts'
import { generateDkimKeys, type DkimKeys } from './keys.ts'
import { loadDkimSigner } from './keys.ts'
import { dkimSignatureFields, signMessage, signMessageAsync, type DkimSigner } from './sign.ts'

const clock = createManualClock(Date.UTC(2025, 10, 4, 10, 0, 0))
const DOMAIN = 'mail.example.test'

const crlf = (lines: readonly string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1')
const utf8Lines = (lines: readonly string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8')

const BASE_HEADER = [
  'From: "Example Shop" <news@mail.example.test>',
  'To: "Recipient" <rcpt@example.test>',
  'Subject: Your weekly update',
  'Date: Tue, 04 Nov 2025 10:00:00 +0000',
  'Message-ID: <20251104100000.4711@mail.example.test>',
  'MIME-Version: 1.0',
]

/** Messages with the shapes that break signers: each must verify with both algorithms. */
const FIXTURES: Readonly<Record<string, Buffer>> = {
  'plain text': crlf([...BASE_HEADER, 'Content-Type: text/plain; charset=us-ascii', '', 'Hi.', '', 'We lost the game.  Are you hungry yet?', '', 'Joe.', '']),
  multipart: crlf([
    ...BASE_HEADER,
    'Content-Type: multipart/alternative; boundary="b1"',
    'List-Unsubscribe: <mailto:unsubscribe+4711@mail.example.test>, <https://example.test/u/4711>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Plain part.  ',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>HTML part</p>\t',
    '--b1--',
    '',
  ]),
  // 8-bit UTF-8 in header and body. A Subject with a 0xA0 byte (such as "ム", E3 83 A0) has its
  // own test below.
  '8-bit UTF-8 Japanese': utf8Lines([
    ...BASE_HEADER.filter((line) => !line.startsWith('Subject')),
    'Subject: ご注文ありがとうございます',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'こんにちは、世界。  お届け予定日は明日です。',
    '',
  ]),
  'ISO-2022-JP Japanese': crlf([
    ...BASE_HEADER.filter((line) => !line.startsWith('Subject')),
    'Subject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=',
    'Content-Type: text/plain; charset=ISO-2022-JP',
    'Content-Transfer-Encoding: 7bit',
    '',
    '\x1b$B$3$s$K$A$O!#\x1b(B',
    '',
  ]),
  'folded headers': crlf([
    'From: "Example Shop"\r\n <news@mail.example.test>',
    'To: a@example.test,\r\n\tb@example.test,\r\n  c@example.test',
    'Subject:   Folded   and\r\n    spaced\t subject   ',
    'Date: Tue, 04 Nov 2025 10:00:00 +0000',
    'References: <a@example.test>\r\n <b@example.test>',
    '',
    'Body.',
    '',
  ]),
  'trailing blank lines': crlf([...BASE_HEADER, '', 'Body with blank lines after it.', '', '', '', '  ', '']),
  'empty body': crlf([...BASE_HEADER, '', '']),
  'no body and no blank line': crlf([...BASE_HEADER, '']),
  'no final line end': crlf(BASE_HEADER),
  'LF line ends': Buffer.from([...BASE_HEADER, 'Subject2: x', '', 'Line one  ', 'Line two', '', ''].join('\n')),
  'two To fields and a Cc': crlf([...BASE_HEADER, 'To: second@example.test', 'Cc: copy@example.test', '', 'Body.', '']),
}

interface Keys {
  readonly rsa: DkimSigner
  readonly ed25519: DkimSigner
  readonly zone: Map<string, string>
}

let keys: Keys

before(async () => {
  const material: DkimKeys = await generateDkimKeys(DOMAIN, { clock })
  keys = {
    rsa: loadDkimSigner(material.rsa.privateKeyPem, DOMAIN, material.rsa.selector),
    ed25519: loadDkimSigner(material.ed25519.privateKeyPem, DOMAIN, material.ed25519.selector),
    zone: new Map([
      [material.rsa.dnsName, material.rsa.publicKeyDnsRecord],
      [material.ed25519.dnsName, material.ed25519.publicKeyDnsRecord],
    ]),
  }
})

/** mailauth's resolver option: (name, rrtype) → TXT records as arrays of strings, ENOTFOUND otherwise. */
function zoneResolver(zone: ReadonlyMap<string, string>) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    const record = zone.get(name)
    if (rrtype === 'TXT' && record !== undefined) return [[record]]
    throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' })
  }
}

/** mailauth's verdict per signature, top to bottom: `pass`, `fail`, `neutral`… */
async function verify(message: Uint8Array, zone: ReadonlyMap<string, string>): Promise<string[]> {
  const result = await dkimVerify(Buffer.from(message), {
    resolver: zoneResolver(zone),
    curTime: new Date(clock.now() + 60_000),
  } as Parameters<typeof dkimVerify>[1])
  return result.results.map((entry: { status: { result: string } }) => entry.status.result)
}

const signatureHeaders = (signed: Uint8Array): string[] =>
  Buffer.from(signed)
    .toString('latin1')
    .split(/\r?\n(?=\S)/)
    .filter((field) => field.startsWith('DKIM-Signature:'))

const tag = (header: string, name: string): string | undefined =>
  header.replace(/\r?\n[ \t]+/g, ' ').match(new RegExp(`(?:^|[; ])${name}=([^;]*)`))?.[1].replace(/\s+/g, '')

describe('signMessage, checked by mailauth', () => {
  for (const [name, message] of Object.entries(FIXTURES)) {
    it(`signs the ${name} fixture so that mailauth passes both the RSA and the Ed25519 signature`, async () => {
      const signed = signMessage(message, [keys.rsa, keys.ed25519], { clock })
      assert.deepEqual(await verify(signed, keys.zone), ['pass', 'pass'])
    })
  }

  it('signs with one signer alone, either algorithm', async () => {
    for (const signer of [keys.rsa, keys.ed25519]) {
      assert.deepEqual(await verify(signMessage(FIXTURES['plain text'], [signer], { clock }), keys.zone), ['pass'])
    }
  })

  it('signs a raw UTF-8 header with a 0xA0 byte as RFC 6376 says, and mailauth passes it', async () => {
    // "ム" is E3 83 A0. Relaxed header canonicalization folds only SP and HTAB (RFC 6376 §3.4.2);
    // mailauth before 5.0.3 also took the 0xA0 byte for whitespace and failed such signatures.
    const message = utf8Lines([...BASE_HEADER.filter((line) => !line.startsWith('Subject')), 'Subject: ムーミン', '', 'Body.', ''])
    assert.deepEqual(await verify(signMessage(message, [keys.rsa, keys.ed25519], { clock }), keys.zone), ['pass', 'pass'])
  })
})

describe('signMessage, the signature headers', () => {
  it('puts the signatures on top in signer order, RSA first, and keeps the message after them byte for byte', () => {
    const message = FIXTURES['plain text']
    const signed = Buffer.from(signMessage(message, [keys.rsa, keys.ed25519], { clock }))
    const headers = signatureHeaders(signed)
    assert.deepEqual(headers.map((header) => tag(header, 'a')), ['rsa-sha256', 'ed25519-sha256'])
    assert.ok(signed.subarray(signed.length - message.length).equals(message))
    assert.ok(signed.toString('latin1').startsWith('DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;'))
  })

  it('shares one body hash between both signatures and stamps t= from the clock in seconds', () => {
    const headers = signatureHeaders(signMessage(FIXTURES.multipart, [keys.rsa, keys.ed25519], { clock }))
    assert.equal(tag(headers[0], 'bh'), tag(headers[1], 'bh'))
    assert.deepEqual(headers.map((header) => tag(header, 't')), ['1762250400', '1762250400'])
  })

  it('signs each present field once per occurrence, plus once more for the over-signed ones, and no absent field', () => {
    const [header] = signatureHeaders(signMessage(FIXTURES['two To fields and a Cc'], [keys.rsa], { clock }))
    assert.equal(tag(header, 'h'), 'from:from:to:to:to:cc:subject:subject:date:date:message-id:message-id:mime-version')
  })

  it('signs List-Unsubscribe and List-Unsubscribe-Post when present, over-signed', () => {
    const [header] = signatureHeaders(signMessage(FIXTURES.multipart, [keys.rsa], { clock }))
    assert.match(tag(header, 'h') ?? '', /list-unsubscribe:list-unsubscribe:list-unsubscribe-post:list-unsubscribe-post/)
  })

  it('signs the caller own header list when the signer gives one', () => {
    const signer = { ...keys.rsa, headersToSign: ['From', 'X-Campaign'] }
    const message = crlf([...BASE_HEADER, 'X-Campaign: 4711', '', 'Body.', ''])
    assert.equal(tag(signatureHeaders(signMessage(message, [signer], { clock }))[0], 'h'), 'from:from:x-campaign')
  })

  it('writes no line longer than 78 characters', () => {
    const signed = Buffer.from(signMessage(FIXTURES['two To fields and a Cc'], [keys.rsa, keys.ed25519], { clock })).toString('latin1')
    for (const header of signatureHeaders(Buffer.from(signed, 'latin1'))) {
      for (const line of header.split('\r\n')) assert.ok(line.length <= 78, line)
    }
  })

  it('writes the signature headers with bare LF when the message uses bare LF', () => {
    const signed = Buffer.from(signMessage(FIXTURES['LF line ends'], [keys.rsa], { clock })).toString('latin1')
    assert.ok(!signed.includes('\r'))
  })

  it('appends the blank line to a message that is all header', () => {
    const signed = Buffer.from(signMessage(FIXTURES['no body and no blank line'], [keys.ed25519], { clock })).toString('latin1')
    assert.ok(signed.endsWith('Message-ID: <20251104100000.4711@mail.example.test>\r\nMIME-Version: 1.0\r\n\r\n'))
  })

  it('returns the message unchanged when there is no signer', () => {
    assert.deepEqual(Buffer.from(signMessage(FIXTURES['plain text'], [], { clock })), FIXTURES['plain text'])
  })
})

describe('signMessage, what a verifier must then refuse', () => {
  it('fails both body hashes when a body byte changes', async () => {
    const signed = Buffer.from(signMessage(FIXTURES['plain text'], [keys.rsa, keys.ed25519], { clock }))
    const tampered = Buffer.from(signed.toString('latin1').replace('hungry', 'Hungry'), 'latin1')
    // RFC 6376 §6.3 and mailauth: a body hash mismatch is "neutral (body hash did not verify)".
    assert.deepEqual(await verify(tampered, keys.zone), ['neutral', 'neutral'])
  })

  it('fails both signatures when someone adds a second From on top (over-signing)', async () => {
    const signed = Buffer.from(signMessage(FIXTURES['plain text'], [keys.rsa, keys.ed25519], { clock })).toString('latin1')
    const withSecondFrom = signed.replace(/\r\nFrom: /, '\r\nFrom: "Mallory" <m@evil.test>\r\nFrom: ')
    assert.deepEqual(await verify(Buffer.from(withSecondFrom, 'latin1'), keys.zone), ['fail', 'fail'])
  })
})

describe('dkimSignatureFields', () => {
  it('gives the fields that signMessage puts in front of the message', () => {
    const message = FIXTURES.multipart
    const fields = dkimSignatureFields(message, [keys.rsa, keys.ed25519], { clock })
    assert.deepEqual(Buffer.concat([fields, message]), Buffer.from(signMessage(message, [keys.rsa, keys.ed25519], { clock })))
  })
})

describe('signMessageAsync', () => {
  it('gives the same bytes as signMessage (both algorithms are deterministic)', async () => {
    for (const message of Object.values(FIXTURES)) {
      const signers = [keys.rsa, keys.ed25519]
      assert.deepEqual(Buffer.from(await signMessageAsync(message, signers, { clock })), Buffer.from(signMessage(message, signers, { clock })))
    }
  })
})

describe('signMessage, refusals', () => {
  it('throws DKIM_MESSAGE_INVALID for a message without a From field', () => {
    const message = crlf(['To: a@example.test', 'Subject: x', '', 'Body.', ''])
    assert.throws(() => signMessage(message, [keys.rsa], { clock }), { code: 'DKIM_MESSAGE_INVALID', message: /no From header field/ })
  })

  it('throws DKIM_SIGNER_INVALID when the key does not fit the algorithm', () => {
    const signer = { ...keys.rsa, algorithm: 'ed25519-sha256' as const }
    assert.throws(() => signMessage(FIXTURES['plain text'], [signer], { clock }), { code: 'DKIM_SIGNER_INVALID', message: /needs a private ed25519 key/ })
  })

  it('throws DKIM_SIGNER_INVALID for a domain or selector that would break the header', () => {
    for (const broken of [{ domain: 'a.test; x=1' }, { domain: 'Example.COM' }, { selector: 's1\r\nBcc: x' }, { headersToSign: ['from;'] }]) {
      assert.throws(() => signMessage(FIXTURES['plain text'], [{ ...keys.ed25519, ...broken }], { clock }), { code: 'DKIM_SIGNER_INVALID' })
    }
  })

  it('throws DKIM_SIGNER_INVALID for an RSA key under 1024 bits', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 512 })
    const signer: DkimSigner = { domain: DOMAIN, selector: 'weak', algorithm: 'rsa-sha256', privateKey }
    assert.throws(() => signMessage(FIXTURES['plain text'], [signer], { clock }), { code: 'DKIM_SIGNER_INVALID', message: /at least 1024/ })
  })
})
