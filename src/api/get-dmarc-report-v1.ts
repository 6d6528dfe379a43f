// GET /v1/dmarc/report?domain=example.com&since=7d: the DMARC analysis of the stored aggregate
// reports (per source and sending environment, what to fix, whether to enforce), as JSON.
import type { FastifyInstance } from 'fastify'
import { parseDuration } from '../config/index.ts'
import type { Clock } from '../core/index.ts'
import { createZoneResolver } from '../dns/index.ts'
import { createPtrCache, describeDmarcFix, runDmarcReport, type DmarcReportDeps } from '../reports/index.ts'
import type { ApiKeyStore, ReportStore } from '../store/index.ts'
import { ApiError } from './api-error.ts'
import { authenticate } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'

/** What the analysis looks up about sources; without it (tests, no DNS), sources get no PTR, SPF or provider facts. */
export type DmarcSourceLookups = Omit<DmarcReportDeps, 'reports'>

export const getDmarcReportV1Schema = {
  summary: 'DMARC analysis of the stored aggregate reports',
  description: 'Per source IP and sending environment: volume, DMARC/DKIM/SPF pass counts and alignment, its kind (own, third-party, forwarder, unknown), what to fix, and whether p=quarantine / p=reject is safe.',
  querystring: {
    type: 'object',
    properties: {
      domain: { type: 'string', maxLength: 253, description: 'the policy domain; all when absent' },
      since: { type: 'string', maxLength: 16, description: 'reports whose period ends within this long ago (7d, 24h); default 7d' },
      lang: { type: 'string', enum: ['en', 'ja'], description: 'language of each fix\'s message; default en' },
    },
    additionalProperties: false,
  },
  response: { '4xx': errorV1 },
} as const

export function registerGetDmarcReportV1(app: FastifyInstance, deps: { store: ApiKeyStore & Pick<ReportStore, 'listDmarcRecords'>; clock: Clock; dmarcSources?: DmarcSourceLookups }): void {
  const offline = createZoneResolver({})
  const lookups: DmarcSourceLookups = deps.dmarcSources ?? { dns: offline, ptrCache: createPtrCache({ dns: offline, clock: deps.clock }), egressIps: [], senders: [] }
  app.get<{ Querystring: { domain?: string; since?: string; lang?: 'en' | 'ja' } }>('/v1/dmarc/report', {
    schema: getDmarcReportV1Schema,
    onRequest: async (request) => {
      request.apiKey = await authenticate(request, deps.store, 'reports:read')
    },
  }, async (request) => {
    const since = request.query.since ?? '7d'
    const sinceMs = parseDuration(since)
    if (sinceMs === undefined || sinceMs <= 0) throw new ApiError(400, 'invalid_request', `since=${JSON.stringify(since)}: expected a duration like 7d or 24h`)
    const analysis = await runDmarcReport({ ...(request.query.domain !== undefined && { domain: request.query.domain }), sinceMs: deps.clock.now() - sinceMs }, { ...lookups, reports: deps.store })
    return { ...analysis, fixes: analysis.fixes.map((fix) => ({ ...fix, message: describeDmarcFix(fix, analysis.domain ?? fix.sourceIp, request.query.lang ?? 'en') })) }
  })
}
