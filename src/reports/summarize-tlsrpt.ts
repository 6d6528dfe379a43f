// TLS-RPT results summed per receiving domain and failure type. Pure.
import type { StoredTlsPolicyResult } from '../store/index.ts'

export interface TlsFailureSummary {
  readonly resultType: string
  readonly sessions: number
  readonly receivingMxHosts: readonly string[]
  readonly sendingIps: readonly string[]
  readonly reasonCodes: readonly string[]
}

export interface TlsDomainSummary {
  /** the receiving (policy) domain */
  readonly domain: string
  readonly policyTypes: readonly string[]
  readonly reports: number
  readonly reporters: readonly string[]
  readonly successfulSessions: number
  readonly failedSessions: number
  readonly failureRate: number
  /** by failure type, most sessions first */
  readonly failures: readonly TlsFailureSummary[]
}

export function summarizeTlsReports(results: readonly StoredTlsPolicyResult[]): TlsDomainSummary[] {
  const domains = new Map<string, { types: Set<string>; reports: Set<string>; reporters: Set<string>; ok: number; failed: number; failures: Map<string, { sessions: number; mx: Set<string>; ips: Set<string>; codes: Set<string> }> }>()
  for (const result of results) {
    let domain = domains.get(result.policyDomain)
    if (domain === undefined) {
      domain = { types: new Set(), reports: new Set(), reporters: new Set(), ok: 0, failed: 0, failures: new Map() }
      domains.set(result.policyDomain, domain)
    }
    domain.types.add(result.policyType)
    domain.reports.add(result.report.id)
    domain.reporters.add(result.report.organizationName)
    domain.ok += result.successfulSessions
    domain.failed += result.failedSessions
    for (const detail of result.failureDetails) {
      let failure = domain.failures.get(detail.resultType)
      if (failure === undefined) domain.failures.set(detail.resultType, (failure = { sessions: 0, mx: new Set(), ips: new Set(), codes: new Set() }))
      failure.sessions += detail.failedSessions
      if (detail.receivingMxHostname !== undefined) failure.mx.add(detail.receivingMxHostname)
      if (detail.sendingMtaIp !== undefined) failure.ips.add(detail.sendingMtaIp)
      if (detail.failureReasonCode !== undefined) failure.codes.add(detail.failureReasonCode)
    }
  }
  return [...domains].map(([name, d]): TlsDomainSummary => ({
    domain: name,
    policyTypes: [...d.types].sort(),
    reports: d.reports.size,
    reporters: [...d.reporters].sort(),
    successfulSessions: d.ok,
    failedSessions: d.failed,
    failureRate: d.ok + d.failed === 0 ? 0 : d.failed / (d.ok + d.failed),
    failures: [...d.failures].map(([resultType, f]) => ({
      resultType, sessions: f.sessions, receivingMxHosts: [...f.mx].sort(), sendingIps: [...f.ips].sort(), reasonCodes: [...f.codes].sort(),
    })).sort((a, b) => b.sessions - a.sessions),
  })).sort((a, b) => b.failedSessions - a.failedSessions || a.domain.localeCompare(b.domain))
}
