// SMTP TLS Reporting (RFC 8460) reports → TlsReport. Pure. JSON, .json.gz, or a whole report
// email (application/tlsrpt+gzip or +json attachment). Field names follow RFC 8460 §4.
import { TodokuError } from '../core/index.ts'
import { MAX_FIELD_CHARS, MAX_TLSRPT_FAILURE_DETAILS, MAX_TLSRPT_POLICIES } from './limits.ts'
import { REPORT_ERRORS } from './report-errors.ts'
import { unpackReport, type Container } from './unpack-report.ts'

/** `sts` (MTA-STS), `tlsa` (DANE), or `no-policy-found` (RFC 8460 §4.4) */
export type TlsPolicyType = 'sts' | 'tlsa' | 'no-policy-found'

export interface TlsFailureDetail {
  /** RFC 8460 §4.3 (starttls-not-supported, certificate-expired, sts-policy-fetch-error…); an open registry, kept as sent */
  readonly resultType: string
  readonly failedSessions: number
  readonly sendingMtaIp?: string
  readonly receivingMxHostname?: string
  readonly receivingMxHelo?: string
  readonly receivingIp?: string
  readonly additionalInformation?: string
  readonly failureReasonCode?: string
}

export interface TlsPolicyReport {
  readonly policyType: TlsPolicyType
  /** the receiving domain the policy is for */
  readonly policyDomain: string
  readonly policyStrings: readonly string[]
  readonly mxHosts: readonly string[]
  readonly successfulSessions: number
  readonly failedSessions: number
  readonly failureDetails: readonly TlsFailureDetail[]
}

export interface TlsReport {
  readonly reportId: string
  readonly organizationName: string
  readonly contactInfo?: string
  readonly dateRange: { readonly startMs: number; readonly endMs: number }
  readonly policies: readonly TlsPolicyReport[]
}

export interface ParsedTlsReport {
  readonly report: TlsReport
  readonly containers: readonly Container[]
}

const POLICY_TYPES: readonly TlsPolicyType[] = ['sts', 'tlsa', 'no-policy-found']

/** A TLS-RPT report from its bytes; throws a REPORT_* TodokuError on anything else. */
export function parseTlsReport(bytes: Uint8Array): ParsedTlsReport {
  const unpacked = unpackReport(bytes, 'json')
  return { report: parseTlsReportJson(unpacked.text), containers: unpacked.containers }
}

/** A TLS-RPT report from its JSON text. */
export function parseTlsReportJson(json: string): TlsReport {
  let root: unknown
  try {
    root = JSON.parse(json)
  } catch (error) {
    throw new TodokuError(REPORT_ERRORS.JSON_INVALID, `parsing a TLS-RPT report: ${(error as Error).message}; expected JSON as RFC 8460 §4 describes`, { cause: error })
  }
  const report = object(root, 'the report')
  const range = object(report['date-range'], 'date-range')
  const policies = array(report.policies, 'policies', MAX_TLSRPT_POLICIES)
  const contactInfo = optionalString(report, 'contact-info', '')
  return {
    reportId: string(report, 'report-id', '', true),
    organizationName: string(report, 'organization-name', '', false),
    ...(contactInfo !== undefined && { contactInfo }),
    dateRange: { startMs: dateTime(range, 'start-datetime', 'date-range'), endMs: dateTime(range, 'end-datetime', 'date-range') },
    policies: policies.map((policy, i) => readPolicy(policy, `policies[${i}]`)),
  }
}

function readPolicy(value: unknown, where: string): TlsPolicyReport {
  const node = object(value, where)
  const policy = object(node.policy, `${where}.policy`)
  const summary = object(node.summary, `${where}.summary`)
  const policyType = string(policy, 'policy-type', `${where}.policy`, true)
  if (!(POLICY_TYPES as readonly string[]).includes(policyType)) throw schemaError(`${where}.policy.policy-type`, JSON.stringify(policyType), POLICY_TYPES.join(', '))
  const mx = policy['mx-host']
  return {
    policyType: policyType as TlsPolicyType,
    policyDomain: string(policy, 'policy-domain', `${where}.policy`, true).toLowerCase(),
    policyStrings: policy['policy-string'] === undefined ? [] : array(policy['policy-string'], `${where}.policy.policy-string`, MAX_TLSRPT_POLICIES).map((s, i) => text(s, `${where}.policy.policy-string[${i}]`)),
    mxHosts: mx === undefined ? [] : typeof mx === 'string' ? [clip(mx)] : array(mx, `${where}.policy.mx-host`, MAX_TLSRPT_POLICIES).map((s, i) => text(s, `${where}.policy.mx-host[${i}]`)),
    successfulSessions: count(summary, 'total-successful-session-count', `${where}.summary`),
    failedSessions: count(summary, 'total-failure-session-count', `${where}.summary`),
    failureDetails: node['failure-details'] === undefined ? [] : array(node['failure-details'], `${where}.failure-details`, MAX_TLSRPT_FAILURE_DETAILS).map((detail, i) => readDetail(detail, `${where}.failure-details[${i}]`)),
  }
}

function readDetail(value: unknown, where: string): TlsFailureDetail {
  const node = object(value, where)
  const detail: Record<string, unknown> = {
    resultType: string(node, 'result-type', where, true),
    failedSessions: count(node, 'failed-session-count', where),
    sendingMtaIp: optionalString(node, 'sending-mta-ip', where),
    receivingMxHostname: optionalString(node, 'receiving-mx-hostname', where),
    receivingMxHelo: optionalString(node, 'receiving-mx-helo', where),
    receivingIp: optionalString(node, 'receiving-ip', where),
    additionalInformation: optionalString(node, 'additional-information', where),
    failureReasonCode: optionalString(node, 'failure-reason-code', where),
  }
  for (const key of Object.keys(detail)) if (detail[key] === undefined) delete detail[key]
  return detail as unknown as TlsFailureDetail
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  throw schemaError(where, value === undefined ? 'it is missing' : `it is ${Array.isArray(value) ? 'an array' : typeof value}`, 'an object')
}

function array(value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw schemaError(where, value === undefined ? 'it is missing' : `it is ${typeof value}`, 'an array')
  if (value.length > max) {
    throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `reading a TLS-RPT report: ${where}: ${value.length} entries, over the limit of ${max}; expected at most that many`)
  }
  return value
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw schemaError(where, `it is ${typeof value}`, 'a string')
  return clip(value)
}

function string(node: Record<string, unknown>, name: string, where: string, isNonEmpty: boolean): string {
  const at = where === '' ? name : `${where}.${name}`
  if (node[name] === undefined) throw schemaError(at, 'it is missing', 'a string')
  const value = text(node[name], at).trim()
  if (isNonEmpty && value === '') throw schemaError(at, 'it is empty', 'a value')
  return value
}

function optionalString(node: Record<string, unknown>, name: string, where: string): string | undefined {
  if (node[name] === undefined || node[name] === null) return undefined
  return string(node, name, where, false)
}

function count(node: Record<string, unknown>, name: string, where: string): number {
  const value = node[name]
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw schemaError(`${where}.${name}`, JSON.stringify(value) ?? 'it is missing', 'a whole number ≥ 0')
  return value
}

/** RFC 3339 date-time (RFC 8460 §4.1) → epoch ms. */
function dateTime(node: Record<string, unknown>, name: string, where: string): number {
  const value = string(node, name, where, true)
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) throw schemaError(`${where}.${name}`, JSON.stringify(value), 'an RFC 3339 date-time like 2016-04-01T00:00:00Z')
  return ms
}

function schemaError(where: string, found: string, expected: string): TodokuError {
  return new TodokuError(REPORT_ERRORS.SCHEMA_INVALID, `reading a TLS-RPT report: ${where}: ${found}; expected ${expected}`)
}

function clip(value: string): string {
  return value.length > MAX_FIELD_CHARS ? value.slice(0, MAX_FIELD_CHARS) : value
}
