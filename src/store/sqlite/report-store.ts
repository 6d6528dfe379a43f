import type {
  DmarcPolicyPublished, DmarcReportSummary, ReportQuery, ReportStore, StoredDmarcRecord, StoredTlsPolicyResult,
} from '../report-store.ts'
import { MAX_REPORT_ROWS_PER_QUERY } from '../report-store.ts'
import { createStatementCache, describeWriteError, inTransaction, type SqliteContext } from './connection.ts'

interface DmarcReportRow {
  id: string
  org_name: string
  report_id: string
  format: string
  email: string
  domain: string
  begin_s: number
  end_s: number
  policy: string
  record_count: number
  message_count: number
  received_at: number
}

interface DmarcRecordRow {
  report: string
  report_id: string
  org_name: string
  domain: string
  begin_s: number
  end_s: number
  policy: string
  source_ip: string
  count: number
  disposition: string
  dkim: string
  spf: string
  header_from: string
  envelope_from: string | null
  envelope_to: string | null
  reasons: string
  dkim_results: string
  spf_results: string
}

interface TlsPolicyRow {
  report: string
  report_id: string
  org_name: string
  start_at: number
  end_at: number
  policy_type: string
  policy_domain: string
  policy_strings: string
  mx_hosts: string
  successful_sessions: number
  failed_sessions: number
  failure_details: string
}

/** `WHERE` for a ReportQuery on a report table's domain and period columns (seconds or ms). */
function where(query: ReportQuery, columns: { domain: string; begin: string; end: string }, toUnit: (ms: number) => number): { sql: string; params: (string | number)[] } {
  const clauses: string[] = []
  const params: (string | number)[] = []
  if (query.domain !== undefined) {
    clauses.push(`${columns.domain} = ?`)
    params.push(query.domain.toLowerCase())
  }
  if (query.sinceMs !== undefined) {
    clauses.push(`${columns.end} >= ?`)
    params.push(toUnit(query.sinceMs))
  }
  if (query.untilMs !== undefined) {
    clauses.push(`${columns.begin} < ?`)
    params.push(toUnit(query.untilMs))
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params }
}

const toSeconds = (ms: number): number => Math.floor(ms / 1000)
const asMs = (ms: number): number => ms

export function createSqliteReportStore(context: SqliteContext): ReportStore {
  const { db } = context
  const prepare = createStatementCache(db)
  const insertDmarcReport = db.prepare(
    `INSERT INTO dmarc_reports (id, org_name, report_id, format, email, extra_contact_info, errors, domain, begin_s, end_s, policy, record_count, message_count, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_name, report_id) DO NOTHING`,
  )
  const selectDmarcReportId = db.prepare('SELECT id FROM dmarc_reports WHERE org_name = ? AND report_id = ?')
  const insertDmarcRecord = db.prepare(
    `INSERT INTO dmarc_records (report, position, source_ip, count, disposition, dkim, spf, header_from, envelope_from, envelope_to, reasons, dkim_results, spf_results)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertTlsReport = db.prepare(
    `INSERT INTO tls_reports (id, org_name, report_id, contact_info, start_at, end_at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_name, report_id) DO NOTHING`,
  )
  const selectTlsReportId = db.prepare('SELECT id FROM tls_reports WHERE org_name = ? AND report_id = ?')
  const insertTlsPolicy = db.prepare(
    `INSERT INTO tls_policy_results (report, position, policy_type, policy_domain, policy_strings, mx_hosts, successful_sessions, failed_sessions, failure_details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )

  return {
    async saveDmarcReport(report) {
      context.assertOpen(`saving DMARC report ${report.reportId} from ${report.orgName}`)
      const id = context.newId()
      const nowMs = context.now()
      const messageCount = report.records.reduce((sum, record) => sum + record.count, 0)
      try {
        return inTransaction(db, () => {
          const inserted = insertDmarcReport.run(
            id, report.orgName, report.reportId, report.format, report.email, report.extraContactInfo ?? null, JSON.stringify(report.errors),
            report.policyPublished.domain.toLowerCase(), report.dateRange.beginS, report.dateRange.endS, JSON.stringify(report.policyPublished),
            report.records.length, messageCount, nowMs,
          )
          if (Number(inserted.changes) === 0) {
            const existing = selectDmarcReportId.get(report.orgName, report.reportId) as { id: string }
            return { id: existing.id, isDuplicate: true }
          }
          report.records.forEach((record, position) => {
            insertDmarcRecord.run(
              id, position, record.sourceIp, record.count, record.disposition, record.dkim, record.spf, record.headerFrom,
              record.envelopeFrom ?? null, record.envelopeTo ?? null, JSON.stringify(record.reasons),
              JSON.stringify(record.dkimResults), JSON.stringify(record.spfResults),
            )
          })
          return { id, isDuplicate: false }
        })
      } catch (error) {
        throw describeWriteError(`saving DMARC report ${report.reportId} from ${report.orgName} (${report.records.length} rows)`, error)
      }
    },

    async listDmarcReports(query) {
      context.assertOpen('listing DMARC reports')
      const filter = where(query, { domain: 'domain', begin: 'begin_s', end: 'end_s' }, toSeconds)
      const rows = prepare(`SELECT * FROM dmarc_reports ${filter.sql} ORDER BY end_s DESC, id LIMIT ${MAX_REPORT_ROWS_PER_QUERY}`).all(...filter.params) as unknown as DmarcReportRow[]
      return rows.map((row): DmarcReportSummary => ({
        id: row.id,
        format: row.format,
        reportId: row.report_id,
        orgName: row.org_name,
        email: row.email,
        domain: row.domain,
        dateRange: { beginS: row.begin_s, endS: row.end_s },
        policyPublished: JSON.parse(row.policy) as DmarcPolicyPublished,
        recordCount: row.record_count,
        messageCount: row.message_count,
        receivedAtMs: row.received_at,
      }))
    },

    async listDmarcRecords(query) {
      context.assertOpen('listing DMARC report rows')
      const filter = where(query, { domain: 'r.domain', begin: 'r.begin_s', end: 'r.end_s' }, toSeconds)
      const rows = prepare(
        `SELECT d.*, r.report_id, r.org_name, r.domain, r.begin_s, r.end_s, r.policy
         FROM dmarc_reports r JOIN dmarc_records d ON d.report = r.id ${filter.sql}
         ORDER BY r.begin_s, r.id, d.position LIMIT ${MAX_REPORT_ROWS_PER_QUERY}`,
      ).all(...filter.params) as unknown as DmarcRecordRow[]
      return rows.map((row): StoredDmarcRecord => {
        const policy = (JSON.parse(row.policy) as DmarcPolicyPublished).p
        return {
          report: {
            id: row.report, reportId: row.report_id, orgName: row.org_name, domain: row.domain,
            dateRange: { beginS: row.begin_s, endS: row.end_s }, ...(policy !== undefined && { policy }),
          },
          sourceIp: row.source_ip,
          count: row.count,
          disposition: row.disposition,
          dkim: row.dkim,
          spf: row.spf,
          reasons: JSON.parse(row.reasons),
          headerFrom: row.header_from,
          ...(row.envelope_from !== null && { envelopeFrom: row.envelope_from }),
          ...(row.envelope_to !== null && { envelopeTo: row.envelope_to }),
          dkimResults: JSON.parse(row.dkim_results),
          spfResults: JSON.parse(row.spf_results),
        }
      })
    },

    async saveTlsReport(report) {
      context.assertOpen(`saving TLS-RPT report ${report.reportId} from ${report.organizationName}`)
      const id = context.newId()
      const nowMs = context.now()
      try {
        return inTransaction(db, () => {
          const inserted = insertTlsReport.run(
            id, report.organizationName, report.reportId, report.contactInfo ?? null, report.dateRange.startMs, report.dateRange.endMs, nowMs,
          )
          if (Number(inserted.changes) === 0) {
            const existing = selectTlsReportId.get(report.organizationName, report.reportId) as { id: string }
            return { id: existing.id, isDuplicate: true }
          }
          report.policies.forEach((policy, position) => {
            insertTlsPolicy.run(
              id, position, policy.policyType, policy.policyDomain.toLowerCase(), JSON.stringify(policy.policyStrings), JSON.stringify(policy.mxHosts),
              policy.successfulSessions, policy.failedSessions, JSON.stringify(policy.failureDetails),
            )
          })
          return { id, isDuplicate: false }
        })
      } catch (error) {
        throw describeWriteError(`saving TLS-RPT report ${report.reportId} from ${report.organizationName} (${report.policies.length} policies)`, error)
      }
    },

    async listTlsPolicyResults(query) {
      context.assertOpen('listing TLS-RPT policy results')
      const filter = where(query, { domain: 'p.policy_domain', begin: 'r.start_at', end: 'r.end_at' }, asMs)
      const rows = prepare(
        `SELECT p.*, r.report_id, r.org_name, r.start_at, r.end_at
         FROM tls_reports r JOIN tls_policy_results p ON p.report = r.id ${filter.sql}
         ORDER BY r.start_at, r.id, p.position LIMIT ${MAX_REPORT_ROWS_PER_QUERY}`,
      ).all(...filter.params) as unknown as TlsPolicyRow[]
      return rows.map((row): StoredTlsPolicyResult => ({
        report: { id: row.report, reportId: row.report_id, organizationName: row.org_name, dateRange: { startMs: row.start_at, endMs: row.end_at } },
        policyType: row.policy_type,
        policyDomain: row.policy_domain,
        policyStrings: JSON.parse(row.policy_strings),
        mxHosts: JSON.parse(row.mx_hosts),
        successfulSessions: row.successful_sessions,
        failedSessions: row.failed_sessions,
        failureDetails: JSON.parse(row.failure_details),
      }))
    },
  }
}
