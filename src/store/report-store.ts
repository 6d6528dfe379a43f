/**
 * Reports receivers send back: DMARC aggregate reports (RFC 7489, RFC 9990) and SMTP TLS
 * reports (RFC 8460), stored once each (deduplicated by reporting organization + report id),
 * each report with all its rows in one transaction. The shapes mirror `reports/`'s parsed
 * reports with wider types, so a parsed report is saved as it is.
 */

export interface NewDmarcReport {
  readonly format: string
  readonly reportId: string
  readonly orgName: string
  readonly email: string
  readonly extraContactInfo?: string
  readonly errors: readonly string[]
  readonly dateRange: { readonly beginS: number; readonly endS: number }
  readonly policyPublished: DmarcPolicyPublished
  readonly records: readonly DmarcRecord[]
}

export interface DmarcPolicyPublished {
  readonly domain: string
  readonly adkim?: string
  readonly aspf?: string
  readonly p?: string
  readonly sp?: string
  readonly np?: string
  readonly pct?: number
  readonly fo?: string
  readonly testing?: string
  readonly discoveryMethod?: string
}

export interface DmarcRecord {
  readonly sourceIp: string
  readonly count: number
  readonly disposition: string
  readonly dkim: string
  readonly spf: string
  readonly reasons: readonly { readonly type: string; readonly comment?: string }[]
  readonly headerFrom: string
  readonly envelopeFrom?: string
  readonly envelopeTo?: string
  readonly dkimResults: readonly { readonly domain: string; readonly selector?: string; readonly result: string; readonly humanResult?: string }[]
  readonly spfResults: readonly { readonly domain: string; readonly scope?: string; readonly result: string; readonly humanResult?: string }[]
}

/** What saving a report did: stored it (a new id), or found it stored already (its id). */
export interface SavedReport {
  /** todoku's id of the stored report */
  readonly id: string
  /** true when a report with this organization and report id was stored before: nothing was written */
  readonly isDuplicate: boolean
}

/** A stored DMARC report's header and totals. */
export interface DmarcReportSummary {
  readonly id: string
  readonly format: string
  readonly reportId: string
  readonly orgName: string
  readonly email: string
  /** the policy domain (policy_published.domain) */
  readonly domain: string
  readonly dateRange: { readonly beginS: number; readonly endS: number }
  readonly policyPublished: DmarcPolicyPublished
  /** <record> rows */
  readonly recordCount: number
  /** the sum of the rows' counts */
  readonly messageCount: number
  readonly receivedAtMs: number
}

/** One <record> row with the report it came from. */
export interface StoredDmarcRecord extends DmarcRecord {
  readonly report: Pick<DmarcReportSummary, 'id' | 'reportId' | 'orgName' | 'domain' | 'dateRange'> & { readonly policy?: string }
}

export interface ReportQuery {
  /** the policy domain (DMARC) or receiving domain (TLS-RPT); all when absent */
  readonly domain?: string
  /** reports whose period ends at or after this time */
  readonly sinceMs?: number
  /** reports whose period begins before this time */
  readonly untilMs?: number
}

export interface NewTlsReport {
  readonly reportId: string
  readonly organizationName: string
  readonly contactInfo?: string
  readonly dateRange: { readonly startMs: number; readonly endMs: number }
  readonly policies: readonly TlsPolicyResult[]
}

export interface TlsPolicyResult {
  readonly policyType: string
  readonly policyDomain: string
  readonly policyStrings: readonly string[]
  readonly mxHosts: readonly string[]
  readonly successfulSessions: number
  readonly failedSessions: number
  readonly failureDetails: readonly {
    readonly resultType: string
    readonly failedSessions: number
    readonly sendingMtaIp?: string
    readonly receivingMxHostname?: string
    readonly receivingMxHelo?: string
    readonly receivingIp?: string
    readonly additionalInformation?: string
    readonly failureReasonCode?: string
  }[]
}

/** One policy's results with the report it came from. */
export interface StoredTlsPolicyResult extends TlsPolicyResult {
  readonly report: { readonly id: string; readonly reportId: string; readonly organizationName: string; readonly dateRange: { readonly startMs: number; readonly endMs: number } }
}

/** Rows one list call returns at most. Stops a query over years of reports from building a million-row answer in memory. */
export const MAX_REPORT_ROWS_PER_QUERY = 500_000

export interface ReportStore {
  /** store a DMARC aggregate report and its rows in one transaction, unless stored already */
  saveDmarcReport(report: NewDmarcReport): Promise<SavedReport>
  /** reports' headers and totals, newest period first */
  listDmarcReports(query: ReportQuery): Promise<DmarcReportSummary[]>
  /** every row of the matching reports (up to MAX_REPORT_ROWS_PER_QUERY), oldest report first */
  listDmarcRecords(query: ReportQuery): Promise<StoredDmarcRecord[]>
  /** store a TLS-RPT report and its policies in one transaction, unless stored already */
  saveTlsReport(report: NewTlsReport): Promise<SavedReport>
  /** the policies' results of the matching reports (domain = the policy domain), oldest report first */
  listTlsPolicyResults(query: ReportQuery): Promise<StoredTlsPolicyResult[]>
}
