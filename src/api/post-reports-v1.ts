// POST /v1/reports: a DMARC aggregate or TLS-RPT report as the raw body; its Content-Type
// decides which (application/xml, application/zip, application/gzip, application/tlsrpt+json,
// application/tlsrpt+gzip, message/rfc822 for a whole report email…). Stored once per
// reporting organization + report id; a bad report is refused whole (422), nothing stored.
import type { FastifyInstance } from 'fastify'
import { TodokuError } from '../core/index.ts'
import { ingestReport, MAX_REPORT_INPUT_BYTES, REPORT_CONTENT_TYPES, type ReportIngested } from '../reports/index.ts'
import type { ApiKeyStore, ReportStore } from '../store/index.ts'
import { ApiError } from './api-error.ts'
import { authenticate } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'

export const postReportsV1Response = {
  type: 'object',
  description: 'the stored report: kind dmarc (reportId, orgName, domain, records, messages) or tlsrpt (reportId, organizationName, policies, sessions)',
  properties: {
    kind: { type: 'string', enum: ['dmarc', 'tlsrpt'] },
    id: { type: 'string', description: 'todoku\'s id of the stored report' },
    duplicate: { type: 'boolean', description: 'true when this report was stored before: nothing was written' },
    reportId: { type: 'string' },
    orgName: { type: 'string' },
    organizationName: { type: 'string' },
    domain: { type: 'string' },
    records: { type: 'integer' },
    messages: { type: 'integer' },
    policies: { type: 'integer' },
    successfulSessions: { type: 'integer' },
    failedSessions: { type: 'integer' },
  },
  required: ['kind', 'id', 'duplicate', 'reportId'],
} as const

export const postReportsV1Schema = {
  summary: 'Store a DMARC aggregate or TLS-RPT report',
  description: `The raw report as the body; Content-Type one of ${REPORT_CONTENT_TYPES.join(', ')}. 201 when stored, 200 when it was stored before. Needs the scope reports:write.`,
  response: { 200: postReportsV1Response, 201: postReportsV1Response, '4xx': errorV1 },
} as const

export function registerPostReportsV1(app: FastifyInstance, deps: { store: ApiKeyStore & Pick<ReportStore, 'saveDmarcReport' | 'saveTlsReport'> }): void {
  // raw bodies for this route only: an encapsulated scope with its own content-type parser
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_REPORT_INPUT_BYTES }, (_request, body, done) => done(null, body))
    scope.post('/v1/reports', {
      schema: postReportsV1Schema,
      onRequest: async (request) => {
        request.apiKey = await authenticate(request, deps.store, 'reports:write')
      },
    }, async (request, reply) => {
      const body = request.body
      if (!(body instanceof Uint8Array) || body.length === 0) throw new ApiError(400, 'invalid_request', 'the body is empty: expected a DMARC aggregate or TLS-RPT report')
      let ingested: ReportIngested
      try {
        ingested = await ingestReport(body, request.headers['content-type'], { reports: deps.store })
      } catch (error) {
        if (error instanceof TodokuError && error.code.startsWith('REPORT_')) {
          throw new ApiError(422, 'invalid_report', error.message, { cause: error })
        }
        throw error
      }
      return reply.code(ingested.isDuplicate ? 200 : 201).send(toResponse(ingested))
    })
  })
}

function toResponse(r: ReportIngested): Record<string, unknown> {
  if (r.kind === 'dmarc') {
    return { kind: r.kind, id: r.id, duplicate: r.isDuplicate, reportId: r.reportId, orgName: r.orgName, domain: r.domain, records: r.records, messages: r.messages }
  }
  return {
    kind: r.kind, id: r.id, duplicate: r.isDuplicate, reportId: r.reportId, organizationName: r.organizationName,
    policies: r.policies, successfulSessions: r.successfulSessions, failedSessions: r.failedSessions,
  }
}
