/**
 * reports/: DMARC aggregate (RFC 7489, RFC 9990) and TLS-RPT (RFC 8460) reports. Pure parsers
 * (XML/JSON, gzip, zip, report emails), ingestion into the ReportStore (edge, deduplicated,
 * one transaction per report), the DMARC source analysis and the TLS-RPT summary.
 */
export type {
  AggregateReport, AggregateRecord, PolicyPublished, DmarcPolicy, PolicyResult, Disposition, DkimResult, SpfResult,
} from './aggregate-report.ts'
export { parseAggregateReport, parseAggregateXml, type ParsedAggregate } from './parse-aggregate.ts'
export {
  parseTlsReport, parseTlsReportJson,
  type TlsReport, type TlsPolicyReport, type TlsFailureDetail, type TlsPolicyType, type ParsedTlsReport,
} from './parse-tlsrpt.ts'
export { unpackReport, type UnpackedReport, type Container, type ReportSyntax } from './unpack-report.ts'
export { parseAggregateFileName, type AggregateFileName } from './aggregate-file-name.ts'
export { REPORT_ERRORS } from './report-errors.ts'
export * from './limits.ts'
export {
  ingestDmarcReport, ingestTlsReport, ingestReportEmail, ingestReport, REPORT_CONTENT_TYPES,
  type IngestDeps, type DmarcIngested, type TlsIngested, type ReportIngested,
} from './ingest-report.ts'
export {
  analyzeDmarc, ENFORCEMENT_PASS_RATE, MIN_MESSAGES_FOR_VERDICT, SOURCE_KINDS,
  type DmarcAnalysis, type SourceAnalysis, type EnvironmentAnalysis, type SourceFacts, type SourceKind, type DmarcFix,
  type EnforcementVerdict, type AnalysisRow,
} from './analyze-dmarc.ts'
export { runDmarcReport, createPtrCache, MAX_SOURCES_LOOKED_UP, type DmarcReportDeps, type PtrCache } from './run-dmarc-report.ts'
export { summarizeTlsReports, type TlsDomainSummary, type TlsFailureSummary } from './summarize-tlsrpt.ts'
export { formatDmarcAnalysis, formatTlsSummary, describeDmarcFix, type ReportLanguage } from './dmarc-report-text.ts'
export { loadReportSenders, parseReportSenders, senderOfPtr, DEFAULT_REPORT_SENDERS_FILE, type ReportSender } from './report-senders.ts'
