import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildPhraseAutomaton } from './phrase-automaton.ts'

function found(phrases: string[], text: string): string[] {
  const automaton = buildPhraseAutomaton(phrases)
  const out = new Int32Array(phrases.length)
  const length = automaton.scan(text, new Uint32Array(phrases.length), 1, out, 0)
  return [...out.subarray(0, length)].map((id) => phrases[id])
}

test('finds every phrase, overlapping ones too, once each', () => {
  assert.deepEqual(found(['user unknown', 'unknown', 'er un'], 'User Unknown; user unknown'), ['er un', 'user unknown', 'unknown'])
})

test('ignores case and folds runs of whitespace', () => {
  assert.deepEqual(found(['rate of unsolicited mail'], 'RATE   of\r\n\tUnsolicited Mail'), ['rate of unsolicited mail'])
})

test('matches non-ASCII phrases', () => {
  assert.deepEqual(found(['存在しません'], '宛先のアドレスは存在しません'), ['存在しません'])
})

test('reports nothing for text without phrases', () => {
  assert.deepEqual(found(['spam'], 'sp am s-p-a-m'), [])
})
