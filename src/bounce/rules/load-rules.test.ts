import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { TodokuError } from '../../core/todoku-error.ts'
import { createReplyClassifier } from '../classify-reply.ts'
import { checkExamples } from './check-examples.ts'
import { compileRules } from './compile-rules.ts'
import { loadRuleFiles, parseRuleFiles, readRuleFiles } from './load-rules.ts'

const PROVIDER = `tier = "provider"
provider = "example"
markers = ["mx.example.net"]

[[rule]]
id = "example-full"
example = "552 5.2.2 mailbox over quota at mx.example.net"
phrases = ["over quota"]
reason = "mailboxfull"
action = "retry_then_suppress"
`

function problemsOf(name: string, text: string): readonly string[] {
  const outcome = parseRuleFiles([{ name, text }])
  assert.equal(outcome.ok, false, 'expected the file to be refused')
  return outcome.ok ? [] : outcome.problems
}

describe('parseRuleFiles', () => {
  test('accepts a well-formed provider file and gives each rule its file and line', () => {
    const outcome = parseRuleFiles([{ name: 'data/bounce-rules/example.toml', text: PROVIDER }])
    assert.ok(outcome.ok)
    const [rule] = outcome.ruleSet.rules
    assert.equal(rule.source, 'data/bounce-rules/example.toml:6')
    assert.equal(rule.provider, 'example')
    assert.deepEqual(outcome.ruleSet.markers, [{ phrase: 'mx.example.net', provider: 'example' }])
  })

  test('reports bad TOML with the file and line', () => {
    const [problem] = problemsOf('bad.toml', 'tier = "provider"\n[[rule]\nid = "x"\n')
    assert.match(problem, /^bad\.toml:2: not valid TOML/)
  })

  test('reports an unknown reason naming file, line, rule id and what was expected', () => {
    const [problem] = problemsOf('x.toml', PROVIDER.replace('"mailboxfull"', '"mailbox-full"'))
    assert.match(problem, /^x\.toml:6: rule "example-full": reason "mailbox-full": expected a Sisimai reason name/)
  })

  test('reports a rule without an example', () => {
    const [problem] = problemsOf('x.toml', PROVIDER.replace(/example = .*\n/, ''))
    assert.match(problem, /rule "example-full": example missing: expected the real reply this rule was written for/)
  })

  test('reports an unknown key instead of ignoring a typo', () => {
    const [problem] = problemsOf('x.toml', PROVIDER.replace('phrases =', 'phrase ='))
    assert.match(problem, /unknown key "phrase"/)
  })

  test('refuses to let an authentication failure suppress the address', () => {
    const text = PROVIDER.replace('"mailboxfull"', '"authfailure"').replace('"retry_then_suppress"', '"suppress_address"')
    assert.match(problemsOf('x.toml', text)[0], /action suppress_address for authfailure/)
  })

  test('reports uppercase phrases, since matching is on lowercase text', () => {
    assert.match(problemsOf('x.toml', PROVIDER.replace('"over quota"', '"Over Quota"'))[0], /expected lowercase/)
  })

  test('reports an id used twice across files', () => {
    const outcome = parseRuleFiles([{ name: 'a.toml', text: PROVIDER }, { name: 'b.toml', text: PROVIDER }])
    assert.equal(outcome.ok, false)
    assert.match(outcome.ok ? '' : outcome.problems[0], /^b\.toml:6: rule "example-full": id already used at a\.toml:6/)
  })

  test('reports every problem at once, not only the first', () => {
    const text = PROVIDER.replace('"mailboxfull"', '"nope"').replace('"retry_then_suppress"', '"later"')
    assert.equal(problemsOf('x.toml', text).length, 2)
  })

  test('orders tiers: a provider rule beats a reason phrase, which beats a status', () => {
    const reason = `tier = "reason"\nreason = "userunknown"\naction = "suppress_address"\norder = 1\npermanent-without-code = true\n\n[[rule]]\nid = "uu"\nexample = "550 over quota user unknown"\nphrases = ["user unknown"]\n`
    const status = `tier = "status"\n\n[[rule]]\nid = "st"\nexample = "550 5.2.2 <x@example.net>"\nstatuses = ["5.2.2"]\nreason = "mailboxfull"\naction = "retry_then_suppress"\n`
    const outcome = parseRuleFiles([{ name: 's.toml', text: status }, { name: 'r.toml', text: reason }, { name: 'p.toml', text: PROVIDER }])
    assert.ok(outcome.ok)
    assert.deepEqual(outcome.ruleSet.rules.map((rule) => rule.id), ['example-full', 'uu', 'st'])
    const classifier = createReplyClassifier(compileRules(outcome.ruleSet))
    assert.equal(classifier.classifyReply('552 5.2.2 user unknown, over quota').rule.id, 'example-full')
    assert.equal(classifier.classifyReply('550 5.2.2 user unknown').rule.id, 'uu')
    assert.equal(classifier.classifyReply('552 5.2.2 <x@example.net>').rule.id, 'st')
  })
})

describe('loadRuleFiles', () => {
  test('throws one TodokuError listing every problem', () => {
    assert.throws(() => loadRuleFiles(['/nonexistent/rules']), (error: unknown) =>
      error instanceof TodokuError && error.code === 'BOUNCE_RULES_UNREADABLE')
  })

  test('loads the shipped rules, and each rule decides its own example', () => {
    const ruleSet = loadRuleFiles()
    assert.ok(ruleSet.rules.length > 100)
    const compiled = compileRules(ruleSet)
    assert.deepEqual(checkExamples(compiled, createReplyClassifier(compiled)), [])
  })

  test('names shipped files relative to the repository', () => {
    const names = readRuleFiles([new URL('../../../data/bounce-rules/', import.meta.url).pathname]).map((file) => file.name)
    assert.ok(names.includes('data/bounce-rules/google.toml'))
    assert.ok(names.includes('data/bounce-rules/reasons/userunknown.toml'))
  })
})
