import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CONFIG_ERRORS, CONFIG_SCHEMA, ConfigError, listFields, loadConfig, renderConfigDocs, type TodokuConfig } from './index.ts'

function problemsOf(load: () => unknown): readonly string[] {
  try {
    load()
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error))
    assert.equal(error.code, CONFIG_ERRORS.INVALID)
    return error.problems
  }
  assert.fail('expected a ConfigError')
}

test('with no file and no environment every key takes its default', () => {
  const config = loadConfig({ cwd: '/srv/todoku' })
  assert.equal(config.dataDir, '/srv/todoku/.todoku')
  assert.equal(config.delivery.mxPort, 25)
  assert.equal(config.delivery.retry.maxAgeMs, 5 * 24 * 3_600_000)
  assert.equal(config.limits.maxMessageBytes, 25 * 1024 * 1024)
  assert.deepEqual(config.dns.servers, [])
  assert.equal(config.verp.secret, undefined)
  assert.equal(config.submission.tls.certFile, undefined)
})

test('human units in the file become milliseconds and bytes', () => {
  const config = loadConfig({
    file: '/etc/todoku/config.toml',
    text: '[delivery]\nconnectTimeoutMs = "10s"\n[delivery.retry]\nbaseDelayMs = "1m"\nmaxAgeMs = "2d"\n[limits]\nmaxMessageBytes = "10MiB"\n',
  })
  assert.equal(config.delivery.connectTimeoutMs, 10_000)
  assert.equal(config.delivery.retry.baseDelayMs, 60_000)
  assert.equal(config.delivery.retry.maxAgeMs, 2 * 86_400_000)
  assert.equal(config.limits.maxMessageBytes, 10 * 1024 * 1024)
})

test('a bad config reports every problem together, each naming the file, the key and what was expected', () => {
  const problems = problemsOf(() =>
    loadConfig({
      file: 'config.toml',
      text: [
        'dataDir = 3',
        '[api]',
        'port = 70000',
        'prot = 1',
        '[delivery.retry]',
        'maxAgeMs = "5 dayz"',
        '[log]',
        'level = "loud"',
        '[dns]',
        'servers = ["127.0.0.1:53", "dns.example"]',
        '[[egress.sources]]',
        'name = "ip1"',
        'address = "192.0.2.300"',
      ].join('\n'),
    }),
  )
  assert.deepEqual(problems, [
    'config.toml: dataDir: 3: expected a file or folder path',
    'config.toml: api.port: 70000: expected an integer from 0 to 65535',
    'config.toml: api.prot: unknown key; expected one of host, port',
    'config.toml: delivery.retry.maxAgeMs: "5 dayz": expected a duration like 30s, 5m, 2h, 5d (or a number of milliseconds), at least 1ms',
    'config.toml: egress.sources[0].address: "192.0.2.300": expected an IPv4 or IPv6 address',
    'config.toml: egress.sources[0].ehloName: missing: expected string: the name this source gives in EHLO',
    'config.toml: dns.servers[1]: "dns.example": expected \'ip\' or \'ip:port\'',
    'config.toml: log.level: "loud": expected one of debug, info, warn, error',
  ])
})

test('egress pools must name configured sources, and the default pool a configured pool', () => {
  const problems = problemsOf(() =>
    loadConfig({
      file: 'config.toml',
      text: [
        '[egress]',
        'defaultPool = "bulk"',
        '[[egress.sources]]',
        'name = "ip1"',
        'address = "192.0.2.10"',
        'ehloName = "mta1.example.com"',
        '[[egress.pools]]',
        'name = "transactional"',
        'kind = "dedicated"',
        'sources = ["ip1", "ip9"]',
      ].join('\n'),
    }),
  )
  assert.deepEqual(problems, [
    'config.toml: egress.pools[0].sources[1]: "ip9": expected the name of an egress source (ip1)',
    'config.toml: egress.defaultPool: "bulk": expected the name of a configured pool (transactional)',
  ])
})

test('environment variables override the file and are named in their problems', () => {
  const config = loadConfig({ file: 'config.toml', text: '[api]\nport = 9000\n', env: { TODOKU_API_PORT: '9100', TODOKU_DELIVERY_RETRY_MAX_AGE_MS: '3d', TODOKU_DNS_SERVERS: '127.0.0.1:5353, 127.0.0.2', TODOKU_MTA_STS_ENABLED: 'false' } })
  assert.equal(config.api.port, 9100)
  assert.equal(config.delivery.retry.maxAgeMs, 3 * 86_400_000)
  assert.deepEqual(config.dns.servers, ['127.0.0.1:5353', '127.0.0.2'])
  assert.equal(config.mtaSts.enabled, false)
  assert.deepEqual(problemsOf(() => loadConfig({ env: { TODOKU_API_PORT: 'eighty' } })), ['environment TODOKU_API_PORT: api.port: "eighty": expected an integer from 0 to 65535'])
})

test('delivery.relayHost reads host:port, [IPv6]:port or a bare host (port 25), and says what was expected otherwise', () => {
  assert.equal(loadConfig({ env: {} }).delivery.relayHost, undefined)
  assert.deepEqual(loadConfig({ env: { TODOKU_DELIVERY_RELAY_HOST: '127.0.0.1:2525' } }).delivery.relayHost, { host: '127.0.0.1', port: 2525 })
  assert.deepEqual(loadConfig({ env: { TODOKU_DELIVERY_RELAY_HOST: '[::1]:26' } }).delivery.relayHost, { host: '::1', port: 26 })
  assert.deepEqual(loadConfig({ file: 'config.toml', text: '[delivery]\nrelayHost = "Smarthost.Example.com"\n' }).delivery.relayHost, { host: 'smarthost.example.com', port: 25 })
  for (const bad of ['::1:25', 'smarthost:0', 'smart host:25', '127.0.0.1:70000']) {
    assert.deepEqual(problemsOf(() => loadConfig({ env: { TODOKU_DELIVERY_RELAY_HOST: bad } })), [
      `environment TODOKU_DELIVERY_RELAY_HOST: delivery.relayHost: ${JSON.stringify(bad)}: expected host:port (a host name or IP address, IPv6 in brackets; the port defaults to 25)`,
    ])
  }
})

test('a TOML syntax error names the file, line and column', () => {
  const [problem] = problemsOf(() => loadConfig({ file: 'config.toml', text: '[api]\nport = = 1\n' }))
  assert.match(problem, /^config\.toml:2:\d+: Invalid TOML document/)
})

test('the loaded config is deep-frozen', () => {
  const config: TodokuConfig = loadConfig({ file: 'c.toml', text: '[[egress.sources]]\nname = "a"\naddress = "127.0.0.1"\nehloName = "a.example"\n' })
  assert.ok(Object.isFrozen(config.delivery.retry))
  assert.ok(Object.isFrozen(config.egress.sources[0]))
  assert.throws(() => {
    ;(config.api as { port: number }).port = 1
  }, TypeError)
})

test('every schema key has a type, a description and a default (or says it is required) and appears in the docs', () => {
  const docs = renderConfigDocs()
  for (const { key, field } of listFields(CONFIG_SCHEMA)) {
    assert.ok(field.type !== '', key)
    assert.ok(field.description.length > 10, `${key} has a description`)
    assert.ok(field.defaultText !== '', `${key} has a default text`)
    assert.ok(docs.includes(`| \`${key}\` |`), `${key} is in the docs`)
    if (key.endsWith('Ms')) assert.equal(field.unit, 'ms', `${key} is a duration`)
    if (key.endsWith('Bytes')) assert.equal(field.unit, 'bytes', `${key} is a size`)
  }
})

test('docs/config.md is what the schema generates (run `todoku config --docs > docs/config.md` after changing the schema)', async () => {
  const { readFileSync } = await import('node:fs')
  assert.equal(readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8'), renderConfigDocs())
})

test('retention keeps finished messages and events 30 days and idempotency keys a day, prunes hourly, and takes 0 for forever', () => {
  const defaults = loadConfig({ cwd: '/srv/todoku' }).retention
  assert.deepEqual(defaults, { finishedMessagesMs: 30 * 86_400_000, eventsMs: 30 * 86_400_000, idempotencyKeysMs: 86_400_000, intervalMs: 3_600_000 })
  const config = loadConfig({ file: 'config.toml', text: '[retention]\nfinishedMessagesMs = "90d"\neventsMs = 0\nidempotencyKeysMs = "12h"\n' })
  assert.deepEqual(config.retention, { finishedMessagesMs: 90 * 86_400_000, eventsMs: 0, idempotencyKeysMs: 43_200_000, intervalMs: 3_600_000 })
  const problems = problemsOf(() => loadConfig({ file: 'config.toml', text: '[retention]\nintervalMs = "10ms"\n' }))
  assert.equal(problems.length, 1)
  assert.match(problems[0], /retention\.intervalMs/)
})
