import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHeaderBlock, parseHeaderParams } from './mail-headers.ts'

test('unfolds indented continuation lines', () => {
  const headers = parseHeaderBlock('Subject: Returned\n\tmail: see transcript\nFrom: MAILER-DAEMON')
  assert.equal(headers.get('subject'), 'Returned mail: see transcript')
  assert.equal(headers.get('from'), 'MAILER-DAEMON')
})

test('keeps a continuation line its writer forgot to indent', () => {
  const headers = parseHeaderBlock('Content-Type: multipart/alternative;\nboundary="----=_Part_1"\nMIME-Version: 1.0')
  assert.equal(parseHeaderParams(headers.get('content-type')).params.boundary, '----=_Part_1')
  assert.equal(headers.get('mime-version'), '1.0')
})

test('reads RFC 2231 continued parameters', () => {
  const { value, params } = parseHeaderParams('attachment; filename*0="long"; filename*1="name.txt"')
  assert.equal(value, 'attachment')
  assert.equal(params.filename, 'longname.txt')
})
