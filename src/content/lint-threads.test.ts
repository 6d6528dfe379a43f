import assert from 'node:assert/strict'
import { test } from 'node:test'
import { lintMessage } from './lint-message.ts'
import { startLintThreads } from './lint-threads.ts'
import { createPreflight } from './preflight.ts'

const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'))
const clean = crlf('From: News <news@example.jp>\nTo: a@example.com\nSubject: Hello\nDate: Thu, 01 Jan 2026 00:00:00 +0000\nMessage-ID: <1@example.jp>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nHello.\n')
const faulty = crlf('From: News <news@example.jp>\nFrom: Other <other@example.jp>\nSubject: Your account has been suspended\nContent-Type: text/html\n\n<a href="http://192.0.2.1/login">https://bank.example.com</a>\n')
const ids = (findings: readonly { id: string }[]) => findings.map((finding) => finding.id)

test('lint threads answer what lintMessage answers, for every message of a batch, in the caller\'s order', async () => {
  const threads = startLintThreads({ threads: 2 })
  try {
    const messages = Array.from({ length: 50 }, (_, index) => (index % 3 === 0 ? faulty : clean))
    const answers = await Promise.all(messages.map((message) => threads.lint(message, { bulk: true })))
    assert.deepEqual(answers.map(ids), messages.map((message) => ids(lintMessage(message, { bulk: true }))))
    assert.ok(ids(answers[0]).includes('header.duplicate'), `the faulty message's findings: ${ids(answers[0]).join(', ')}`)
  } finally {
    await threads.close()
  }
})

test('a message larger than a batch is linted alone, and the options reach the thread', async () => {
  const threads = startLintThreads({ threads: 1 })
  try {
    const large = Buffer.concat([clean, Buffer.alloc(3 * 1024 * 1024, 'a\r\n')])
    const [small, big] = await Promise.all([threads.lint(clean, { sizes: { messageWarnBytes: 100 } }), threads.lint(large)])
    assert.deepEqual(ids(small), ids(lintMessage(clean, { sizes: { messageWarnBytes: 100 } })))
    assert.ok(ids(small).includes('size.message-large'))
    assert.deepEqual(ids(big), ids(lintMessage(large)))
  } finally {
    await threads.close()
  }
})

test('messages of one batch keep their own options, and buffers given back carry later batches of other sizes', async () => {
  const threads = startLintThreads({ threads: 1 })
  try {
    const optionsList = [{ bulk: true }, {}, { bulk: true }, { sizes: { messageWarnBytes: 100 } }, { sizes: { messageWarnBytes: 100, htmlClipBytes: 10 } }, { bulk: true, lang: 'ja' as const }, { signingDomains: ['example.jp'] }]
    const large = Buffer.concat([faulty, Buffer.alloc(300 * 1024, 'b\r\n')])
    for (const round of [clean, large, faulty, clean]) {
      const messages = optionsList.map((_, index) => (index % 2 === 0 ? round : faulty))
      const answers = await Promise.all(messages.map((message, index) => threads.lint(message, optionsList[index])))
      assert.deepEqual(answers, messages.map((message, index) => lintMessage(message, optionsList[index])))
    }
  } finally {
    await threads.close()
  }
})

test('close answers what was asked before it, then refuses with a clear error', async () => {
  const threads = startLintThreads({ threads: 1 })
  const pending = threads.lint(faulty)
  await threads.close()
  assert.deepEqual(ids(await pending), ids(lintMessage(faulty)))
  await assert.rejects(threads.lint(clean), /closed/)
})

test('a preflight on threads gives the findings of one on the caller\'s thread', async () => {
  const onThreads = createPreflight({ threads: 1, inlineMaxBytes: 0, sizes: { messageWarnBytes: 100 } })
  const here = createPreflight({ sizes: { messageWarnBytes: 100 } })
  try {
    for (const message of [clean, faulty]) assert.deepEqual(await onThreads.check(message, { lang: 'ja' }), await here.check(message, { lang: 'ja' }))
  } finally {
    await onThreads.close()
  }
  assert.throws(() => startLintThreads({ threads: 0 }), /at least 1/)
})

test('a preflight with threads checks a message up to inlineMaxBytes on the caller\'s thread, and a larger one on a thread', async () => {
  const preflight = createPreflight({ threads: 1, inlineMaxBytes: clean.byteLength })
  const larger = Buffer.concat([clean, Buffer.from('More text.\r\n')])
  await preflight.close()
  // the thread is gone: only the message checked here is answered
  assert.deepEqual(await preflight.check(clean), await createPreflight().check(clean))
  await assert.rejects(preflight.check(larger), /closed/)
  assert.throws(() => createPreflight({ threads: 1, inlineMaxBytes: -1 }), /inlineMaxBytes: expected an integer of at least 0, got -1/)
})

test('threads that cannot start fail each lint with the reason, and stop being replaced', async () => {
  const threads = startLintThreads({ threads: 1, rulesDir: '/nonexistent/content-rules' })
  try {
    await assert.rejects(threads.lint(clean), (error: Error & { code?: string }) => error.code === 'CONTENT_LINT_THREAD_FAILED' && /lint thread/.test(error.message))
    // the replacements fail too; past the limit, lint fails at once with the last failure
    for (let attempt = 0; attempt < 5; attempt++) await threads.lint(clean).catch(() => undefined)
    await assert.rejects(threads.lint(clean), /in a row ended without an answer/)
  } finally {
    await threads.close()
  }
})
