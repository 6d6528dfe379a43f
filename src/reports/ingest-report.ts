// Ingestion (edge): parse, then store each report with all its rows in one transaction,
// deduplicated by reporting organization + report id. A report that does not parse throws
// before anything is written.
import { TodokuError } from '../core/index.ts'
import type { ReportStore } from '../store/index.ts'
import { parseAggregateReport } from './parse-aggregate.ts'
import { parseTlsReport } from './parse-tlsrpt.ts'
import { REPORT_ERRORS } from './report-errors.ts'
import type { Container } from './unpack-report.ts'

export interface IngestDeps {
  readonly reports: Pick<ReportStore, 'saveDmarcReport' | 'saveTlsReport'>
}

export interface DmarcIngested {
  readonly kind: 'dmarc'
  /** todoku's id of the stored report */
  readonly id: string
  readonly isDuplicate: boolean
  readonly reportId: string
  readonly orgName: string
  /** the policy domain */
  readonly domain: string
  readonly format: 'rfc7489' | 'rfc9990'
  /** <record> rows */
  readonly records: number
  /** the sum of the rows' counts */
  readonly messages: number
  readonly containers: readonly Container[]
}

export interface TlsIngested {
  readonly kind: 'tlsrpt'
  readonly id: string
  readonly isDuplicate: boolean
  readonly reportId: string
  readonly organizationName: string
  readonly policies: number
  readonly successfulSessions: number
  readonly failedSessions: number
  readonly containers: readonly Container[]
}

export type ReportIngested = DmarcIngested | TlsIngested

/** A DMARC aggregate report (XML, .xml.gz, .zip, or report email), stored once. */
export async function ingestDmarcReport(bytes: Uint8Array, deps: IngestDeps): Promise<DmarcIngested> {
  const { report, containers } = parseAggregateReport(bytes)
  const saved = await deps.reports.saveDmarcReport(report)
  return {
    kind: 'dmarc', id: saved.id, isDuplicate: saved.isDuplicate, reportId: report.reportId, orgName: report.orgName,
    domain: report.policyPublished.domain, format: report.format, records: report.records.length,
    messages: report.records.reduce((sum, record) => sum + record.count, 0), containers,
  }
}

/** A TLS-RPT report (JSON, .json.gz, or report email), stored once. */
export async function ingestTlsReport(bytes: Uint8Array, deps: IngestDeps): Promise<TlsIngested> {
  const { report, containers } = parseTlsReport(bytes)
  const saved = await deps.reports.saveTlsReport(report)
  return {
    kind: 'tlsrpt', id: saved.id, isDuplicate: saved.isDuplicate, reportId: report.reportId, organizationName: report.organizationName,
    policies: report.policies.length,
    successfulSessions: report.policies.reduce((sum, p) => sum + p.successfulSessions, 0),
    failedSessions: report.policies.reduce((sum, p) => sum + p.failedSessions, 0),
    containers,
  }
}

/**
 * A report email from the inbound report mailbox (the feedback intake calls this): a DMARC
 * aggregate report, else a TLS-RPT report. Throws REPORT_UNRECOGNIZED when it holds neither.
 */
export async function ingestReportEmail(bytes: Uint8Array, deps: IngestDeps): Promise<ReportIngested> {
  return ingestEither(bytes, deps)
}

/** Content types of a POST /v1/reports body, and which report they are. */
const KIND_OF_CONTENT_TYPE: Readonly<Record<string, 'dmarc' | 'tlsrpt' | 'either'>> = {
  'application/xml': 'dmarc', 'text/xml': 'dmarc', 'application/zip': 'dmarc', 'application/gzip': 'either', 'application/x-gzip': 'either',
  'application/tlsrpt+json': 'tlsrpt', 'application/tlsrpt+gzip': 'tlsrpt', 'application/json': 'tlsrpt',
  'message/rfc822': 'either', 'application/octet-stream': 'either',
}

export const REPORT_CONTENT_TYPES: readonly string[] = Object.keys(KIND_OF_CONTENT_TYPE)

/** A report whose content type (`application/xml`, `application/tlsrpt+gzip`, `message/rfc822`…) says, or lets us find out, which it is. */
export async function ingestReport(bytes: Uint8Array, contentType: string | undefined, deps: IngestDeps): Promise<ReportIngested> {
  const type = (contentType ?? 'application/octet-stream').split(';')[0].trim().toLowerCase()
  const kind = KIND_OF_CONTENT_TYPE[type]
  if (kind === undefined) {
    throw new TodokuError(REPORT_ERRORS.UNRECOGNIZED, `reading a report sent as ${type}: expected one of ${REPORT_CONTENT_TYPES.join(', ')}`)
  }
  if (kind === 'dmarc') return ingestDmarcReport(bytes, deps)
  if (kind === 'tlsrpt') return ingestTlsReport(bytes, deps)
  return ingestEither(bytes, deps)
}

async function ingestEither(bytes: Uint8Array, deps: IngestDeps): Promise<ReportIngested> {
  try {
    return await ingestDmarcReport(bytes, deps)
  } catch (error) {
    if ((error as TodokuError).code !== REPORT_ERRORS.UNRECOGNIZED) throw error
    try {
      return await ingestTlsReport(bytes, deps)
    } catch (tlsError) {
      if ((tlsError as TodokuError).code !== REPORT_ERRORS.UNRECOGNIZED) throw tlsError
      throw new TodokuError(REPORT_ERRORS.UNRECOGNIZED, `reading a report: neither a DMARC aggregate report (${(error as Error).message}) nor a TLS-RPT report (${(tlsError as Error).message})`)
    }
  }
}
