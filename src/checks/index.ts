/**
 * checks/: the domain doctor. Pure evaluators over DNS answers (spf, dkim, dmarc, mx, ptr,
 * mta-sts, tls-rpt, bimi, dnsbl, bulk-sender), the edge that looks everything up
 * (runDomainChecks), the records a sending domain must publish, and the periodic monitor.
 */
export { CHECK_STATUSES, checkResult, overallStatus, type CheckStatus, type CheckResult, type DomainReport, type Fix } from './check-result.ts'
export { checkSpfHost, evaluateSpf, walkSpf, summarizeSpfTree, MAX_SPF_WALK_RECORDS, type SpfResult, type SpfHostCheck, type SpfHostVerdict, type SpfNode, type SpfObservation, type SpfExpectation } from './spf.ts'
export { parseSpfRecord, selectSpfRecord, MAX_SPF_LOOKUPS, MAX_SPF_VOID_LOOKUPS } from './spf-record.ts'
export { mailauthResolverOf, addressOfReverseName, type MailauthResolver } from './mailauth-resolver.ts'
export { evaluateDkim, MIN_DKIM_RSA_BITS, RECOMMENDED_DKIM_RSA_BITS, type DkimKeyState, type DkimExpectation } from './dkim.ts'
export { evaluateDmarc, parseDmarcRecord, organizationalDomain, isAligned, type DmarcRecord, type DmarcObservation, type DmarcExpectation } from './dmarc.ts'
export { evaluateMx, type MxObservation, type MxExpectation } from './mx.ts'
export { evaluatePtr, type PtrObservation } from './ptr.ts'
export { evaluateMtaSts, mxMatchesPattern, type MtaStsObservation } from './mta-sts.ts'
export { evaluateTlsRpt } from './tls-rpt.ts'
export { evaluateBimi } from './bimi.ts'
export { evaluateDnsbl, dnsblQueryName, type DnsblList } from './dnsbl.ts'
export { loadDnsblLists, DEFAULT_DNSBL_FILE, type DnsblLists } from './dnsbl-lists.ts'
export { evaluateBulkSenderRequirements, type MailboxProvider, type BulkSenderContext } from './bulk-sender.ts'
export { runDomainChecks, reportAddressOf, spfTermsOf, type DomainCheckTarget, type DomainCheckDeps } from './run-domain-checks.ts'
export { planDomainRecords, zoneFileLine, type DnsRecordToPublish, type DomainRecordsPlan } from './domain-records.ts'
export { formatDomainReport, type ReportLanguage } from './format-domain-report.ts'
export { startDomainMonitor, type DomainMonitor, type DomainMonitorDeps, type DomainCheckChange, type ListingChange } from './domain-monitor.ts'
export { domainCheckTargetOf, type DomainTargetOptions } from './domain-target.ts'
export { startDomainDoctor, type DomainDoctor, type DomainDoctorDeps } from './domain-doctor.ts'
