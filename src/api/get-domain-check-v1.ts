// GET /v1/domains/:domain/check: the domain doctor's report for one of the key's tenant's
// sending domains (SPF, DKIM, DMARC, MX, PTR, MTA-STS, TLS-RPT, BIMI, blocklists, bulk-sender
// rules), each check with its fix in English and Japanese. 200 even when checks fail: the
// report's `status` says so (a deployment guard reads it, as `todoku domain check` exits 1).
import type { FastifyInstance } from 'fastify'
import type { DomainReport } from '../checks/index.ts'
import type { ApiKeyStore } from '../store/index.ts'
import { ApiError } from './api-error.ts'
import { authenticate, requireApiKey } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'

/**
 * Runs the checks of `domain` for `tenantId`; undefined when it is not that tenant's sending
 * domain. main.ts builds it over the store, the resolver and the config's egress sources.
 */
export type CheckSendingDomain = (domain: string, tenantId: string) => Promise<DomainReport | undefined>

const status = { type: 'string', enum: ['pass', 'fail', 'warn', 'info', 'error'] } as const

export const getDomainCheckV1Response = {
  type: 'object',
  description: 'every check of the domain; `status` is the worst of them (fail > error > warn > pass)',
  properties: {
    domain: { type: 'string' },
    checkedAtMs: { type: 'integer' },
    status: { type: 'string', enum: ['pass', 'fail', 'warn', 'error'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'stable, with its subject: spf.authorized:192.0.2.10, dkim.key:td202511r, dnsbl.ip:zen.spamhaus.org:192.0.2.10' },
          status,
          summary: { type: 'string' },
          fix: { type: 'object', properties: { en: { type: 'string' }, ja: { type: 'string' } }, required: ['en', 'ja'], additionalProperties: false },
          evidence: { type: 'object', additionalProperties: true },
        },
        required: ['id', 'status', 'summary', 'evidence'],
        additionalProperties: false,
      },
    },
  },
  required: ['domain', 'checkedAtMs', 'status', 'checks'],
  additionalProperties: false,
} as const

export const getDomainCheckV1Schema = {
  summary: 'Check a sending domain',
  description: 'Looks up the domain’s DNS now (SPF through mailauth strict with the 10-lookup and 2-void limits for every egress IP, DKIM keys against todoku’s, DMARC and alignment, MX of the domain and bounce domain, PTR/FCrDNS of each egress IP, MTA-STS, TLS-RPT, BIMI, DNS blocklists) and derives the Gmail, Yahoo and Outlook.com bulk-sender requirements. ' +
    'A blocklist answering 127.255.255.x is an `error` check (the query was refused), never a listing. Needs the scope domains:read.',
  params: { type: 'object', properties: { domain: { type: 'string', minLength: 3, maxLength: 253 } }, required: ['domain'], additionalProperties: false },
  response: { 200: getDomainCheckV1Response, '4xx': errorV1 },
} as const

export function registerGetDomainCheckV1(app: FastifyInstance, deps: { store: ApiKeyStore; checkDomain?: CheckSendingDomain }): void {
  app.get<{ Params: { domain: string } }>('/v1/domains/:domain/check', {
    schema: getDomainCheckV1Schema,
    onRequest: async (request) => {
      request.apiKey = await authenticate(request, deps.store, 'domains:read')
    },
  }, async (request) => {
    const key = requireApiKey(request)
    const domain = request.params.domain.toLowerCase()
    if (deps.checkDomain === undefined) throw new ApiError(404, 'not_found', `checking ${domain}: this todoku runs no domain checks (no checker wired); expected todoku serve`)
    const report = await deps.checkDomain(domain, key.tenantId)
    if (report === undefined) throw new ApiError(404, 'not_found', `checking ${domain}: not a sending domain of this account; expected one added with todoku domain add`)
    return report
  })
}
