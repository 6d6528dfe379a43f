import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { canonicalizeBody, canonicalizeHeaderField, computeBodyHash } from './canonicalize.ts'

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1')
const text = (buffer: Uint8Array): string => Buffer.from(buffer).toString('latin1')
const toLf = (value: string): string => value.replace(/\r\n/g, '\n')

/** Bodies made mostly of the bytes canonicalization cares about, so the edge cases come up often. */
const bodyArbitrary = fc
  .array(fc.constantFrom(' ', '\t', '\r\n', '\n', '\r', 'a', 'Z', '.', '\xa0', '\xe3', '\x1b'), { maxLength: 60 })
  .map((parts) => bytes(parts.join('')))

describe('canonicalizeBody', () => {
  // RFC 6376 §3.4.6, the worked example.
  it('relaxes the RFC 6376 example body: whitespace runs folded, trailing whitespace and empty lines dropped', () => {
    assert.equal(text(canonicalizeBody(bytes(' C \r\nD \t E\r\n\r\n\r\n'), 'relaxed')), ' C\r\nD E\r\n')
  })

  it('leaves the RFC 6376 example body as it is under simple, less its trailing empty lines', () => {
    assert.equal(text(canonicalizeBody(bytes(' C \r\nD \t E\r\n\r\n\r\n'), 'simple')), ' C \r\nD \t E\r\n')
  })

  it('makes an empty body empty under relaxed and one CRLF under simple', () => {
    assert.equal(text(canonicalizeBody(bytes(''), 'relaxed')), '')
    assert.equal(text(canonicalizeBody(bytes(''), 'simple')), '\r\n')
  })

  it('makes a body of only empty and blank lines empty under relaxed', () => {
    assert.equal(text(canonicalizeBody(bytes('\r\n \r\n\t\r\n\n'), 'relaxed')), '')
  })

  it('adds the missing CRLF after a last line without one', () => {
    assert.equal(text(canonicalizeBody(bytes('Joe.'), 'relaxed')), 'Joe.\r\n')
    assert.equal(text(canonicalizeBody(bytes('Joe.'), 'simple')), 'Joe.\r\n')
  })

  it('keeps empty lines between lines of text', () => {
    assert.equal(text(canonicalizeBody(bytes('Hi.\r\n\r\n\r\nJoe.\r\n\r\n'), 'relaxed')), 'Hi.\r\n\r\n\r\nJoe.\r\n')
  })

  it('keeps 8-bit bytes, 0xA0 included, as they are: only SP and HTAB are whitespace', () => {
    // "ム" is E3 83 A0 in UTF-8; JavaScript's \s would take its last byte for a no-break space.
    const body = Buffer.from('ム ム\r\n', 'utf8')
    assert.deepEqual(canonicalizeBody(body, 'relaxed'), body)
  })

  it('keeps ISO-2022-JP escape sequences byte for byte', () => {
    const body = bytes('\x1b$B$3$s$K$A$O\x1b(B\r\n')
    assert.deepEqual(canonicalizeBody(body, 'relaxed'), body)
  })

  it('gives a bare-LF body the same canonical form as its CRLF original, under both algorithms', () => {
    fc.assert(
      fc.property(bodyArbitrary, (body) => {
        // Bare CRs are ordinary bytes, and "\r" + "\n" would turn into a CRLF: leave them out here.
        const lf = bytes(toLf(text(body)).replace(/\r/g, ''))
        const crlf = bytes(text(lf).replace(/\n/g, '\r\n'))
        for (const canonicalization of ['relaxed', 'simple'] as const) {
          assert.deepEqual(canonicalizeBody(lf, canonicalization), canonicalizeBody(crlf, canonicalization))
        }
      }),
    )
  })

  it('changes nothing when run again on a canonical body (idempotent), under both algorithms', () => {
    fc.assert(
      fc.property(bodyArbitrary, (body) => {
        for (const canonicalization of ['relaxed', 'simple'] as const) {
          const once = canonicalizeBody(body, canonicalization)
          assert.deepEqual(canonicalizeBody(once, canonicalization), once)
        }
      }),
    )
  })

  it('agrees with a line-by-line reading of RFC 6376 §3.4.4 on any body, clean or not', () => {
    // The RFC's steps, literally, on a latin1 string: the reference the fast paths must match.
    const reference = (body: Buffer): string => {
      const lines = body.toString('latin1').split(/\r?\n/)
      if (lines.at(-1) === '') lines.pop()
      const relaxed = lines.map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
      while (relaxed.length > 0 && relaxed.at(-1) === '') relaxed.pop()
      return relaxed.map((line) => `${line}\r\n`).join('')
    }
    fc.assert(fc.property(bodyArbitrary, (body) => assert.equal(text(canonicalizeBody(body, 'relaxed')), reference(body))), { numRuns: 500 })
  })

  it('ends every non-empty canonical body with CRLF and never with an empty line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        for (const canonicalization of ['relaxed', 'simple'] as const) {
          const canonical = text(canonicalizeBody(body, canonicalization))
          if (canonical === '') continue
          assert.ok(canonical.endsWith('\r\n'), JSON.stringify(canonical))
          if (canonical !== '\r\n') assert.ok(!canonical.endsWith('\r\n\r\n'), JSON.stringify(canonical))
        }
      }),
    )
  })
})

describe('computeBodyHash', () => {
  it('hashes the empty body to the well-known SHA-256 of nothing (relaxed) and of CRLF (simple)', () => {
    assert.equal(computeBodyHash(bytes(''), 'relaxed').bodyHash, '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')
    assert.equal(computeBodyHash(bytes(''), 'simple').bodyHash, 'frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=')
  })

  it('hashes only the first lengthLimit canonical bytes when given a length, as l= says', () => {
    const result = computeBodyHash(bytes('Hello  world\r\nmore\r\n'), 'relaxed', { lengthLimit: 5 })
    assert.equal(result.bodyHash, createHash('sha256').update('Hello').digest('base64'))
    assert.deepEqual([result.canonicalLength, result.hashedLength], [19, 5])
  })

  it('hashes the whole body when lengthLimit is longer than it', () => {
    const whole = computeBodyHash(bytes('Hi.\r\n'), 'relaxed')
    assert.deepEqual(computeBodyHash(bytes('Hi.\r\n'), 'relaxed', { lengthLimit: 1000 }), whole)
  })

  it('refuses a negative or fractional lengthLimit', () => {
    assert.throws(() => computeBodyHash(bytes('x'), 'relaxed', { lengthLimit: -1 }), { code: 'DKIM_ARGUMENT_INVALID' })
    assert.throws(() => computeBodyHash(bytes('x'), 'relaxed', { lengthLimit: 1.5 }), { code: 'DKIM_ARGUMENT_INVALID' })
  })
})

describe('canonicalizeHeaderField', () => {
  // RFC 6376 §3.4.6: "A: X" and "B : Y<HTAB><CRLF><HTAB>Z  ".
  it('relaxes the RFC 6376 example fields: name lower-cased, unfolded, whitespace folded and trimmed', () => {
    assert.equal(canonicalizeHeaderField('A: X', 'relaxed'), 'a:X')
    assert.equal(canonicalizeHeaderField('B : Y\t\r\n\tZ  ', 'relaxed'), 'b:Y Z')
  })

  it('keeps a field as it is under simple, with bare-LF folding made CRLF', () => {
    assert.equal(canonicalizeHeaderField('B : Y\t\r\n\tZ  ', 'simple'), 'B : Y\t\r\n\tZ  ')
    assert.equal(canonicalizeHeaderField('B : Y\n\tZ', 'simple'), 'B : Y\r\n\tZ')
  })

  it('keeps a 0xA0 byte of a raw UTF-8 value, which is not whitespace', () => {
    const field = Buffer.from('Subject: ム', 'utf8').toString('latin1')
    assert.equal(canonicalizeHeaderField(field, 'relaxed'), Buffer.from('subject:ム', 'utf8').toString('latin1'))
  })

  it('changes nothing when run again on a relaxed field (idempotent)', () => {
    const fieldArbitrary = fc
      .array(fc.constantFrom(' ', '\t', '\r\n ', '\n\t', 'A', 'b', ':', '\xa0', '\xe3'), { maxLength: 30 })
      .map((parts) => `X-Test${parts.join('')}`)
    fc.assert(
      fc.property(fieldArbitrary, (field) => {
        const once = canonicalizeHeaderField(field, 'relaxed')
        assert.equal(canonicalizeHeaderField(once, 'relaxed'), once)
      }),
    )
  })
})
