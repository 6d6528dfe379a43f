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

const count = { type: 'integer', minimum: 0 } as const
const share = { type: 'number', minimum: 0, maximum: 1 } as const
const sourceKind = { type: 'string', enum: ['own', 'third-party', 'forwarder', 'unknown'], description: 'own: a todoku egress IP; third-party: authorized by the domain\'s SPF; forwarder: unauthorized but with aligned DKIM; unknown: neither' } as const

const dmarcFixProperties = {
  code: { type: 'string', enum: ['own-dkim-failing', 'own-spf-failing', 'third-party-dkim-unaligned', 'third-party-dkim-missing', 'third-party-return-path-unaligned', 'known-sender-not-authorized', 'likely-spoofing'] },
  sourceIp: { type: 'string' },
  provider: { type: 'string' },
  seenDomain: { type: 'string', description: 'the DKIM d= or envelope domain seen instead of an aligned one' },
  spfInclude: { type: 'string', description: 'the include: that authorizes the known sender' },
  messages: { ...count, description: 'messages this fix concerns' },
} as const

/** The analysis as GET /v1/dmarc/report answers it (DmarcAnalysis, each top-level fix with its message). */
export const getDmarcReportV1Response = {
  type: 'object',
  description: 'the analysis of the aggregate reports whose period ends within `since`; counts are messages',
  properties: {
    domain: { type: 'string', description: 'the policy domain asked for; absent when all' },
    reports: count,
    reporters: { type: 'array', items: { type: 'string' }, description: 'reporting organizations' },
    period: { type: 'object', properties: { beginS: { type: 'integer' }, endS: { type: 'integer' } }, required: ['beginS', 'endS'], additionalProperties: false, description: 'Unix seconds; absent without reports' },
    policy: { type: 'string', description: 'the p= of the most recent report' },
    messages: count,
    dmarcPass: count,
    sources: {
      type: 'array',
      description: 'per source IP, own first, then by volume',
      items: {
        type: 'object',
        properties: {
          sourceIp: { type: 'string' },
          ptr: { type: 'string' },
          kind: sourceKind,
          provider: { type: 'string', description: 'a known sending service (data/report-senders.toml)' },
          messages: count,
          dmarcPass: count,
          dkimAligned: count,
          spfAligned: count,
          dkimPass: { ...count, description: 'DKIM pass, aligned or not' },
          spfPass: { ...count, description: 'SPF pass, aligned or not' },
          passRate: share,
          dispositions: { type: 'object', additionalProperties: count, description: 'messages by the receiver\'s disposition: none, quarantine, reject' },
          dkimDomains: { type: 'array', items: { type: 'string' } },
          envelopeDomains: { type: 'array', items: { type: 'string' } },
          fixes: { type: 'array', items: { type: 'object', properties: dmarcFixProperties, required: ['code', 'sourceIp', 'messages'], additionalProperties: false } },
        },
        required: ['sourceIp', 'kind', 'messages', 'dmarcPass', 'dkimAligned', 'spfAligned', 'dkimPass', 'spfPass', 'passRate', 'dispositions', 'dkimDomains', 'envelopeDomains', 'fixes'],
        additionalProperties: false,
      },
    },
    environments: {
      type: 'array',
      description: 'sources grouped by who runs them: todoku, a known provider, or the PTR\'s domain',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, kind: sourceKind, sources: count, messages: count, dmarcPass: count, passRate: share, isFailing: { type: 'boolean' } },
        required: ['name', 'kind', 'sources', 'messages', 'dmarcPass', 'passRate', 'isFailing'],
        additionalProperties: false,
      },
    },
    legitimate: {
      type: 'object',
      description: 'own, third-party and forwarder sources',
      properties: { messages: count, dmarcPass: count, passRate: share },
      required: ['messages', 'dmarcPass', 'passRate'],
      additionalProperties: false,
    },
    unknown: { type: 'object', properties: { messages: count, sources: count }, required: ['messages', 'sources'], additionalProperties: false },
    enforcement: {
      type: 'object',
      properties: {
        verdict: { type: 'string', enum: ['not-enough-data', 'fix-first', 'move-to-quarantine', 'move-to-reject', 'at-reject'] },
        isSafeToQuarantine: { type: 'boolean' },
        isSafeToReject: { type: 'boolean' },
        failing: { type: 'array', items: { type: 'string' }, description: 'legitimate environments below the pass rate' },
      },
      required: ['verdict', 'isSafeToQuarantine', 'isSafeToReject', 'failing'],
      additionalProperties: false,
    },
    fixes: {
      type: 'array',
      description: 'every source\'s fixes, most messages first',
      items: {
        type: 'object',
        properties: { ...dmarcFixProperties, message: { type: 'string', description: 'what to do, in ?lang' } },
        required: ['code', 'sourceIp', 'messages', 'message'],
        additionalProperties: false,
      },
    },
  },
  required: ['reports', 'reporters', 'messages', 'dmarcPass', 'sources', 'environments', 'legitimate', 'unknown', 'enforcement', 'fixes'],
  additionalProperties: false,
} as const

export const getDmarcReportV1Schema = {
  summary: 'DMARC analysis of the stored aggregate reports',
  description: 'Per source IP and sending environment: volume, DMARC/DKIM/SPF pass counts and alignment, its kind (own, third-party, forwarder, unknown), what to fix, and whether p=quarantine / p=reject is safe. Needs the scope reports:read.',
  querystring: {
    type: 'object',
    properties: {
      domain: { type: 'string', maxLength: 253, description: 'the policy domain; all when absent' },
      since: { type: 'string', maxLength: 16, description: 'reports whose period ends within this long ago (7d, 24h); default 7d' },
      lang: { type: 'string', enum: ['en', 'ja'], description: 'language of each fix\'s message; default en' },
    },
    additionalProperties: false,
  },
  response: { 200: getDmarcReportV1Response, '4xx': errorV1 },
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
