import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test, type TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { createManualClock, createSeededRandom } from '../core/index.ts'
import { createZoneResolver } from '../dns/index.ts'
import { createInjector } from '../injection/index.ts'
import { createPtrCache, describeDmarcFix, runDmarcReport } from '../reports/index.ts'
import { openSqliteStore } from '../store/index.ts'
import { buildApi } from './index.ts'

type Json = Record<string, unknown>

async function setUp(t: TestContext) {
  const clock = createManualClock(Date.UTC(2026, 0, 15))
  const random = createSeededRandom(11)
  const store = await openSqliteStore({ path: ':memory:', clock, random })
  t.after(() => store.close())
  await store.putDomain({ name: 'example.jp', tenantId: 'tenant-a', dkimKeys: [], requireTls: false })
  const key = await store.createApiKey({ tenantId: 'tenant-a', name: 'all', scopes: ['messages:send', 'reports:write', 'reports:read'] })
  const app = buildApi({ store, injector: createInjector({ store, clock, random }), log: { info: () => {}, error: () => {} } })
  t.after(() => app.close())
  const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as Json
  return { app, store, document, auth: { authorization: `Bearer ${key.token}` } }
}

/**
 * Every (method, path) fastify registered, read from `printRoutes({ commonPrefix: false })`, a
 * tree of lines like `│   └── /:id (GET, HEAD)` whose segments append to their parent's. fastify
 * lists routes no other way, and an onRoute hook added after buildApi misses those it already made.
 */
function registeredRoutes(app: FastifyInstance): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = []
  const segments: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '') continue
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    assert.ok(match, `printRoutes line ${JSON.stringify(line)}: expected "├── /segment (METHODS)"`)
    segments.length = match[1].length / 4
    segments.push(match[2])
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, path: segments.join('') })
  }
  return routes
}

function resolvePointer(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let at: unknown = document
  for (const part of ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    at = typeof at === 'object' && at !== null ? (at as Json)[part] : undefined
  }
  return at
}

const isOfType = (value: unknown, type: string): boolean =>
  type === 'integer' ? Number.isInteger(value)
    : type === 'array' ? Array.isArray(value)
      : type === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : type === 'null' ? value === null
          : typeof value === type

/**
 * Where `value` breaks `schema`, for the keywords our schemas use (type, enum, required,
 * properties, additionalProperties, items, oneOf, $ref into the document). Not a full JSON
 * Schema validator: ajv is fastify's dependency, not ours, and these keywords are all we write.
 */
function schemaIssues(schema: Json, value: unknown, at: string, document: Json): string[] {
  if (typeof schema.$ref === 'string') return schemaIssues(resolvePointer(document, schema.$ref) as Json, value, at, document)
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((branch: Json) => schemaIssues(branch, value, at, document).length === 0)
    if (matching.length !== 1) return [`${at}: matches ${matching.length} of the oneOf branches, expected 1`]
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`]
  const types = schema.type === undefined ? [] : [schema.type].flat() as string[]
  if (types.length > 0 && !types.some((type) => isOfType(value, type))) return [`${at}: ${JSON.stringify(value)} is not of type ${types.join(' or ')}`]
  const issues: string[] = []
  if (isOfType(value, 'object')) {
    const object = value as Json
    for (const name of (schema.required ?? []) as string[]) if (!(name in object)) issues.push(`${at}.${name}: missing, but required`)
    const properties = (schema.properties ?? {}) as Record<string, Json>
    for (const [name, item] of Object.entries(object)) {
      const property = properties[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties as Json : undefined)
      if (property !== undefined) issues.push(...schemaIssues(property, item, `${at}.${name}`, document))
      else if (schema.additionalProperties === false) issues.push(`${at}.${name}: not in the schema, which allows no other fields`)
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => issues.push(...schemaIssues(schema.items as Json, item, `${at}[${i}]`, document)))
  }
  return issues
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

function operationsOf(document: Json): { path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({ path, method, operation: item[method] as Json })))
}

function responseSchema(document: Json, path: string, method: string, status: number): Json {
  const operation = (document.paths as Record<string, Record<string, Json>>)[path][method]
  return ((operation.responses as Record<string, Json>)[status].content as Record<string, Json>)['application/json'].schema as Json
}

test('every route fastify registered is in GET /v1/openapi.json with a 2xx answer, and the document lists no other', async (t) => {
  const { app, document } = await setUp(t)
  await app.ready()
  // fastify adds HEAD to each GET, and OPTIONS for CORS when asked; neither is ours to document
  const routes = registeredRoutes(app).filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
  assert.ok(routes.some((route) => route.method === 'GET' && route.path === '/v1/messages/:id'), `the route tree was read: ${JSON.stringify(routes)}`)
  const documented = new Set(operationsOf(document).map(({ path, method }) => `${method.toUpperCase()} ${path}`))
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}')
    const operation = (document.paths as Record<string, Record<string, Json> | undefined>)[path]?.[route.method.toLowerCase()]
    assert.ok(operation !== undefined, `${route.method} ${route.path} is served but not in the OpenAPI document (src/api/openapi-v1.ts)`)
    assert.ok(Object.keys(operation.responses as Json).some((status) => /^2\d\d$/.test(status)), `${route.method} ${path}: no 2xx response documented`)
    documented.delete(`${route.method} ${path}`)
  }
  assert.deepEqual([...documented], [], 'documented but not served')
})

test('GET /v1/openapi.json resolves every $ref, declares every path parameter, and answers every keyed route\'s 401 and 403 with Error', async (t) => {
  const { document } = await setUp(t)
  const refs: string[] = []
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect)
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) key === '$ref' ? refs.push(String(value)) : collect(value)
    }
  }
  collect(document)
  assert.ok(refs.length > 0)
  for (const ref of refs) assert.ok(resolvePointer(document, ref) !== undefined, `${ref} resolves inside the document`)

  const operationIds = new Set<string>()
  for (const { path, method, operation } of operationsOf(document)) {
    const name = `${method.toUpperCase()} ${path}`
    assert.ok(typeof operation.operationId === 'string' && !operationIds.has(operation.operationId), `${name}: a unique operationId`)
    operationIds.add(operation.operationId as string)
    assert.ok(typeof operation.summary === 'string' && operation.summary !== '', `${name}: a summary`)
    const parameters = (operation.parameters ?? []) as Json[]
    const declared = parameters.filter((parameter) => parameter.in === 'path')
    assert.deepEqual(declared.map((parameter) => parameter.name).sort(), [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), `${name}: path parameters`)
    for (const parameter of declared) assert.equal(parameter.required, true, `${name}: path parameter ${String(parameter.name)} is required`)
    for (const parameter of parameters) assert.ok(typeof parameter.schema === 'object', `${name}: parameter ${String(parameter.name)} has a schema`)
    const responses = operation.responses as Record<string, Json>
    const isKeyed = !(Array.isArray(operation.security) && operation.security.length === 0)
    if (isKeyed) for (const status of ['401', '403']) assert.ok(responses[status] !== undefined, `${name}: documents ${status}`)
    for (const [status, response] of Object.entries(responses)) {
      if (!status.startsWith('4')) continue
      assert.deepEqual((response.content as Record<string, Json>)['application/json'].schema, { $ref: '#/components/schemas/Error' }, `${name}: ${status} answers Error`)
    }
  }
})

test('POST /v1/lint answers, raw or JSON, what its documented response schema says', async (t) => {
  const { app, document, auth } = await setUp(t)
  const schema = responseSchema(document, '/v1/lint', 'post', 200)
  const raw = await app.inject({
    method: 'POST', url: '/v1/lint', headers: { ...auth, 'content-type': 'message/rfc822' },
    payload: 'From: Shop <news@example.jp>\r\nTo: taro@example.net\r\nSubject: Hi\r\nMessage-ID: <a@example.jp>\r\n\r\nhello\r\n',
  })
  assert.equal(raw.statusCode, 200, raw.body)
  assert.ok(raw.json().findings.length > 0, 'a message without Date has findings to check')
  assert.deepEqual(schemaIssues(schema, raw.json(), 'body', document), [])
  const structured = await app.inject({ method: 'POST', url: '/v1/lint', headers: auth, payload: { from: 'Shop <news@example.jp>', to: 'taro@example.net', subject: 'News', text: 'hello', bulk: true } })
  assert.equal(structured.statusCode, 200, structured.body)
  assert.deepEqual(schemaIssues(schema, structured.json(), 'body', document), [])
  const refused = await app.inject({ method: 'POST', url: '/v1/lint', headers: { 'content-type': 'message/rfc822' }, payload: 'x' })
  assert.equal(refused.statusCode, 401)
  assert.deepEqual(schemaIssues(responseSchema(document, '/v1/lint', 'post', 401), refused.json(), 'body', document), [])
})

test('POST /v1/reports and GET /v1/dmarc/report answer what their documented schemas say, the analysis whole', async (t) => {
  const { app, store, document, auth } = await setUp(t)
  const xml = readFileSync(new URL('../../test/fixtures/reports/rfc7489.xml', import.meta.url))
  const posted = await app.inject({ method: 'POST', url: '/v1/reports', headers: { ...auth, 'content-type': 'application/xml' }, payload: xml })
  assert.equal(posted.statusCode, 201, posted.body)
  assert.deepEqual(schemaIssues(responseSchema(document, '/v1/reports', 'post', 201), posted.json(), 'body', document), [])

  const response = await app.inject({ method: 'GET', url: '/v1/dmarc/report?domain=shop.example&since=36500d', headers: auth })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json()
  assert.ok(body.sources.length > 0 && body.fixes.length > 0, 'the fixture has sources and fixes to check')
  assert.deepEqual(schemaIssues(responseSchema(document, '/v1/dmarc/report', 'get', 200), body, 'body', document), [])
  // the response schema also serializes: a field it lacks would vanish from the answer unnoticed
  const offline = createZoneResolver({})
  const analysis = await runDmarcReport({ domain: 'shop.example', sinceMs: 0 }, { reports: store, dns: offline, ptrCache: createPtrCache({ dns: offline, clock: createManualClock(0) }), egressIps: [], senders: [] })
  assert.deepEqual(body, { ...analysis, fixes: analysis.fixes.map((fix) => ({ ...fix, message: describeDmarcFix(fix, 'shop.example', 'en') })) })
})
