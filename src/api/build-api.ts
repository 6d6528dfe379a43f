// The HTTP API: fastify with one file per route, auth per route, and ONE error handler.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { Preflight } from '../content/index.ts'
import type { Injector } from '../injection/index.ts'
import type { ApiKeyStore, MessageStore, QueueStore, ReportStore } from '../store/index.ts'
import { ApiError, type ApiLog } from './api-error.ts'
import { registerGetDmarcReportV1, type DmarcSourceLookups } from './get-dmarc-report-v1.ts'
import { registerGetDomainCheckV1, type CheckSendingDomain } from './get-domain-check-v1.ts'
import { registerGetMessageV1 } from './get-message-v1.ts'
import { registerGetQueueV1 } from './get-queue-v1.ts'
import { buildOpenApiV1, registerOpenApiV1 } from './openapi-v1.ts'
import { registerPostLintV1 } from './post-lint-v1.ts'
import { registerPostMessagesV1 } from './post-messages-v1.ts'
import { registerPostReportsV1 } from './post-reports-v1.ts'
import { systemClock } from '../core/index.ts'

export interface ApiDeps {
  readonly store: ApiKeyStore & MessageStore & Pick<QueueStore, 'countRecipientsByState'> & ReportStore
  /** DNS, egress IPs and known senders for GET /v1/dmarc/report's source facts (PTR, SPF, provider); without: none */
  readonly dmarcSources?: DmarcSourceLookups
  /** runs the domain doctor for GET /v1/domains/:domain/check; without: that route answers 404 */
  readonly checkDomain?: CheckSendingDomain
  readonly injector: Injector
  /** the content preflight POST /v1/lint runs (with the configured scanners); default: the checks alone */
  readonly preflight?: Preflight
  readonly log: ApiLog
  /** shown in the OpenAPI document; default '0.1.0' */
  readonly version?: string
}

export interface ApiOptions {
  readonly host: string
  readonly port: number
}

export interface RunningApi {
  /** 'http://127.0.0.1:8025' */
  readonly address: string
  readonly port: number
  close(): Promise<void>
}

/**
 * JSON around a base64 message: 4/3 of the message plus room for the other fields. Threat:
 * a body read into memory without end before anyone looks at it.
 */
const BODY_OVERHEAD_BYTES = 1024 * 1024

/** The API as a fastify instance (not listening): `app.inject()` in tests, `startApi` to serve. */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: Math.ceil(deps.injector.limits.maxMessageBytes * 4 / 3) + BODY_OVERHEAD_BYTES,
    // unknown fields are refused, not dropped, and types are not coerced: a client's typo
    // ("attachements") must come back as an error, not as a message sent without it
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
  })
  app.decorateRequest('apiKey', undefined)
  registerPostMessagesV1(app, deps)
  registerPostLintV1(app, deps)
  registerGetMessageV1(app, deps)
  registerGetQueueV1(app, deps)
  registerPostReportsV1(app, deps)
  registerGetDmarcReportV1(app, { store: deps.store, clock: systemClock, dmarcSources: deps.dmarcSources })
  registerGetDomainCheckV1(app, deps)
  registerOpenApiV1(app, deps.version ?? '0.1.0')
  // every route the document describes (a test keeps it whole), as "METHOD /path"
  const routes = Object.entries(buildOpenApiV1(deps.version ?? '0.1.0').paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}: expected one of ${routes.join(', ')}`)
    return reply.code(404).send(error.toBody())
  })
  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    const known = toApiError(error)
    if (known !== undefined) return reply.code(known.statusCode).headers(known.headers).send(known.toBody())
    const id = randomUUID()
    deps.log.error('api request failed', { id, method: request.method, url: request.url, error: describe(error) })
    return reply.code(500).send({ error: { code: 'internal', message: `internal error (logged as ${id})`, id } })
  })
  return app
}

/** Serve the API; resolves once listening. */
export async function startApi(deps: ApiDeps, options: ApiOptions): Promise<RunningApi> {
  const app = buildApi(deps)
  await app.listen({ host: options.host, port: options.port })
  const bound = app.server.address()
  const port = typeof bound === 'object' && bound !== null ? bound.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  deps.log.info('api listening', { host: options.host, port })
  return { address: `http://${host}:${port}`, port, close: () => app.close() }
}

/** Errors that render themselves: ours, request validation, and fastify's own 4xx. */
function toApiError(error: FastifyError | ApiError | Error): ApiError | undefined {
  if (error instanceof ApiError) return error
  const fastifyError = error as FastifyError
  if (fastifyError.validation !== undefined) {
    const fields = simplifyIssues(fastifyError.validation.map((issue) => {
      const params = issue.params as Record<string, unknown>
      let field = toFieldPath(issue.instancePath, fastifyError.validationContext)
      let message = `expected it to ${(issue.message ?? 'be valid').replace(/^must /, '')}`
      if (issue.keyword === 'required') {
        field = joinField(field, String(params.missingProperty))
        message = 'missing: this field is required here'
      } else if (issue.keyword === 'additionalProperties') {
        field = joinField(field, String(params.additionalProperty))
        message = 'unknown field: expected only the fields the OpenAPI document (GET /v1/openapi.json) lists'
      } else if (issue.keyword === 'oneOf') {
        message = 'matches none of the allowed forms: for a mailbox, expected "Name <local@domain>" or { name, address }; for a list, also an array of them'
      }
      return { field, message, keyword: issue.keyword }
    }))
    const summary = fields.map((field) => `${field.field}: ${field.message}`).join('; ')
    return new ApiError(400, 'invalid_request', `the request is not valid: ${summary}`, { fields })
  }
  const status = fastifyError.statusCode
  if (status === undefined || status >= 500 || status < 400) return undefined
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'message_too_large', 'the request body is over the size limit: expected a message within the configured maximum size')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'the body is not JSON: expected Content-Type: application/json')
    default:
      return new ApiError(status, status === 400 ? 'invalid_request' : 'request_refused', `the request was refused: ${fastifyError.message}`)
  }
}

/**
 * ajv reports a oneOf mismatch with one error per branch tried: keep the most specific
 * ("to[0].address: missing"), drop the branch type errors and the enclosing oneOf errors.
 */
function simplifyIssues(issues: readonly { field: string; message: string; keyword: string }[]): { field: string; message: string }[] {
  const oneOfFields = new Set(issues.filter((issue) => issue.keyword === 'oneOf').map((issue) => issue.field))
  const kept = issues.filter((issue) => !(issue.keyword === 'type' && oneOfFields.has(issue.field)))
  const specific = kept.filter((issue) => issue.keyword !== 'oneOf' ||
    !kept.some((other) => other.keyword !== 'oneOf' && other.field !== issue.field && (other.field.startsWith(`${issue.field}.`) || other.field.startsWith(`${issue.field}[`))))
  const seen = new Set<string>()
  const result: { field: string; message: string }[] = []
  for (const issue of specific.length > 0 ? specific : kept) {
    const key = `${issue.field}\u0000${issue.message}`
    if (!seen.has(key)) result.push({ field: issue.field, message: issue.message })
    seen.add(key)
  }
  return result
}

function toFieldPath(instancePath: string, context: string | undefined): string {
  const parts = instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
  let path = context === 'body' || context === undefined ? '' : context
  for (const part of parts) path = /^\d+$/.test(part) ? `${path}[${part}]` : joinField(path, part)
  return path === '' ? 'body' : path
}

function joinField(path: string, name: string): string {
  return path === '' || path === 'body' ? name : `${path}.${name}`
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: String(error) }
  return { name: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: error.stack, ...(error.cause === undefined ? {} : { cause: describe(error.cause) }) }
}
