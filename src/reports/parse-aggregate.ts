// DMARC aggregate reports (RFC 7489 appendix C, and RFC 9990 with or without its namespace)
// → AggregateReport. Pure. XML is parsed by fast-xml-parser with entity processing OFF and any
// DOCTYPE refused (no XXE, no billion laughs); the five predefined entities and character
// references are decoded here. Values are checked against the schema: a report that says
// `PASS` where the schema says `pass` is refused, as parsedmarc does.
import { isIP } from 'node:net'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { TodokuError } from '../core/index.ts'
import type {
  AggregateRecord, AggregateReport, DkimResult, Disposition, DmarcPolicy, PolicyPublished, PolicyResult, SpfResult,
} from './aggregate-report.ts'
import { MAX_FIELD_CHARS, MAX_RECORDS_PER_REPORT, MAX_XML_DEPTH } from './limits.ts'
import { REPORT_ERRORS } from './report-errors.ts'
import { unpackReport, type Container } from './unpack-report.ts'

export interface ParsedAggregate {
  readonly report: AggregateReport
  /** the wrappers undone to reach the XML, outermost first */
  readonly containers: readonly Container[]
}

const RFC9990_NAMESPACE = 'urn:ietf:params:xml:ns:dmarc-2.0'
/** A DOCTYPE is where entities are declared; no report needs one. */
const DOCTYPE = /<!DOCTYPE|<!ENTITY/i

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
})

/** A report from its bytes: XML, .xml.gz, .zip, or a whole report email. Throws a REPORT_* TodokuError on anything else. */
export function parseAggregateReport(bytes: Uint8Array): ParsedAggregate {
  const unpacked = unpackReport(bytes, 'xml')
  return { report: parseAggregateXml(unpacked.text), containers: unpacked.containers }
}

/** A report from its XML text. */
export function parseAggregateXml(xml: string): AggregateReport {
  if (DOCTYPE.test(xml)) {
    throw new TodokuError(REPORT_ERRORS.XML_INVALID, 'parsing a DMARC aggregate report: it has a DOCTYPE or ENTITY declaration, refused (entity expansion attacks); expected plain XML as RFC 7489 appendix C describes')
  }
  const validation = XMLValidator.validate(xml)
  if (validation !== true) {
    const { msg, line, col } = validation.err
    throw new TodokuError(REPORT_ERRORS.XML_INVALID, `parsing a DMARC aggregate report: malformed XML at line ${line}, column ${col}: ${msg}; expected well-formed XML`)
  }
  let tree: Record<string, unknown>
  try {
    tree = parser.parse(xml) as Record<string, unknown>
  } catch (error) {
    throw new TodokuError(REPORT_ERRORS.XML_INVALID, `parsing a DMARC aggregate report: ${(error as Error).message}; expected well-formed XML of at most ${MAX_XML_DEPTH} levels`, { cause: error })
  }
  const feedback = tree.feedback
  if (!isObject(feedback)) {
    throw schemaError('the document', `its root element is <${Object.keys(tree)[0] ?? 'nothing'}>`, 'a <feedback> root element')
  }
  const metadata = object(feedback, 'report_metadata', 'feedback')
  const range = object(metadata, 'date_range', 'report_metadata')
  const policy = readPolicy(object(feedback, 'policy_published', 'feedback'))
  const rawRecords = asArray(feedback.record)
  if (rawRecords.length > MAX_RECORDS_PER_REPORT) {
    throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `reading a DMARC aggregate report: ${rawRecords.length} <record> rows, over the limit of ${MAX_RECORDS_PER_REPORT}; expected a report of at most that many rows`)
  }
  const records = rawRecords.map((record, i) => readRecord(record, `record[${i}]`))
  const is9990 = xml.includes(RFC9990_NAMESPACE) || policy.np !== undefined || policy.testing !== undefined ||
    policy.discoveryMethod !== undefined || metadata.generator !== undefined
  const extraContactInfo = optionalText(metadata, 'extra_contact_info')
  return {
    format: is9990 ? 'rfc9990' : 'rfc7489',
    reportId: requiredText(metadata, 'report_id', 'report_metadata', true),
    orgName: requiredText(metadata, 'org_name', 'report_metadata', false),
    email: optionalText(metadata, 'email') ?? '',
    ...(extraContactInfo !== undefined && { extraContactInfo }),
    errors: asArray(metadata.error).map((error) => clip(decodeXmlText(textOf(error)))),
    dateRange: {
      beginS: wholeNumber(range, 'begin', 'report_metadata.date_range'),
      endS: wholeNumber(range, 'end', 'report_metadata.date_range'),
    },
    policyPublished: policy,
    records,
  }
}

const POLICIES = ['none', 'quarantine', 'reject'] as const
const DISPOSITIONS = ['none', 'quarantine', 'reject', 'pass'] as const
const POLICY_RESULTS = ['pass', 'fail'] as const
const DKIM_RESULTS = ['none', 'pass', 'fail', 'policy', 'neutral', 'temperror', 'permerror'] as const
const SPF_RESULTS = ['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'] as const
/** Older names some reporters still write (cry-inc's hardfail sample): RFC 4408's "hardfail" is RFC 7208's fail. */
const SPF_RESULT_ALIASES: Readonly<Record<string, SpfResult>> = { hardfail: 'fail' }

function readPolicy(node: Record<string, unknown>): PolicyPublished {
  const where = 'policy_published'
  const pct = optionalText(node, 'pct')
  const fo = optionalText(node, 'fo')
  const policy: Record<string, unknown> = {
    domain: requiredText(node, 'domain', where, true).toLowerCase(),
    adkim: optionalOneOf(node, 'adkim', ['r', 's'], where),
    aspf: optionalOneOf(node, 'aspf', ['r', 's'], where),
    p: optionalOneOf<DmarcPolicy>(node, 'p', POLICIES, where),
    sp: optionalOneOf<DmarcPolicy>(node, 'sp', POLICIES, where),
    np: optionalOneOf<DmarcPolicy>(node, 'np', POLICIES, where),
    pct: pct === undefined ? undefined : wholeNumber(node, 'pct', where, 100),
    fo,
    testing: optionalOneOf(node, 'testing', ['y', 'n'], where),
    discoveryMethod: optionalOneOf(node, 'discovery_method', ['psl', 'treewalk'], where),
  }
  for (const key of Object.keys(policy)) if (policy[key] === undefined) delete policy[key]
  return policy as unknown as PolicyPublished
}

function readRecord(value: unknown, where: string): AggregateRecord {
  if (!isObject(value)) throw schemaError(where, 'it is empty or text', '<row>, <identifiers> and <auth_results> inside')
  const row = object(value, 'row', where)
  const evaluated = object(row, 'policy_evaluated', `${where}.row`)
  const identifiers = object(value, 'identifiers', where)
  const auth = isObject(value.auth_results) ? value.auth_results : {}
  const sourceIp = requiredText(row, 'source_ip', `${where}.row`, true)
  if (isIP(sourceIp) === 0) throw schemaError(`${where}.row.source_ip`, JSON.stringify(sourceIp), 'an IPv4 or IPv6 address')
  const envelopeFrom = optionalText(identifiers, 'envelope_from')
  const envelopeTo = optionalText(identifiers, 'envelope_to')
  const ew = `${where}.row.policy_evaluated`
  return {
    sourceIp,
    count: wholeNumber(row, 'count', `${where}.row`),
    disposition: oneOf<Disposition>(evaluated, 'disposition', DISPOSITIONS, ew),
    dkim: oneOf<PolicyResult>(evaluated, 'dkim', POLICY_RESULTS, ew),
    spf: oneOf<PolicyResult>(evaluated, 'spf', POLICY_RESULTS, ew),
    reasons: asArray(evaluated.reason).flatMap((reason) => {
      if (!isObject(reason)) return []
      const type = optionalText(reason, 'type')
      const comment = optionalText(reason, 'comment')
      return type === undefined || type === '' ? [] : [{ type, ...(comment !== undefined && comment !== '' && { comment }) }]
    }),
    headerFrom: requiredText(identifiers, 'header_from', `${where}.identifiers`, false).toLowerCase(),
    ...(envelopeFrom !== undefined && envelopeFrom !== '' && { envelopeFrom: envelopeFrom.toLowerCase() }),
    ...(envelopeTo !== undefined && envelopeTo !== '' && { envelopeTo: envelopeTo.toLowerCase() }),
    dkimResults: asArray(auth.dkim).map((dkim, i) => {
      const at = `${where}.auth_results.dkim[${i}]`
      if (!isObject(dkim)) throw schemaError(at, 'it is empty or text', '<domain> and <result> inside')
      const selector = optionalText(dkim, 'selector')
      const humanResult = optionalText(dkim, 'human_result')
      return {
        domain: (optionalText(dkim, 'domain') ?? '').toLowerCase(),
        ...(selector !== undefined && selector !== '' && { selector }),
        result: oneOf<DkimResult>(dkim, 'result', DKIM_RESULTS, at),
        ...(humanResult !== undefined && humanResult !== '' && { humanResult }),
      }
    }),
    spfResults: asArray(auth.spf).map((spf, i) => {
      const at = `${where}.auth_results.spf[${i}]`
      if (!isObject(spf)) throw schemaError(at, 'it is empty or text', '<domain> and <result> inside')
      const scope = optionalText(spf, 'scope')
      const humanResult = optionalText(spf, 'human_result')
      return {
        domain: (optionalText(spf, 'domain') ?? '').toLowerCase(),
        ...(scope !== undefined && scope !== '' && { scope }),
        result: oneOf<SpfResult>(spf, 'result', SPF_RESULTS, at, SPF_RESULT_ALIASES),
        ...(humanResult !== undefined && humanResult !== '' && { humanResult }),
      }
    }),
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function object(node: Record<string, unknown>, name: string, where: string): Record<string, unknown> {
  const value = node[name]
  if (isObject(value)) return value
  if (Array.isArray(value)) throw schemaError(`${where}.${name}`, `it appears ${value.length} times`, 'one')
  throw schemaError(`${where}.${name}`, value === undefined ? 'it is missing' : 'it has no elements inside', `a <${name}> element`)
}

/** An element's text: a string from the parser, '' for an empty element; an element with children counts as absent text. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (isObject(value) && typeof value['#text'] === 'string') return value['#text']
  return ''
}

function optionalText(node: Record<string, unknown>, name: string): string | undefined {
  const value = node[name]
  if (value === undefined) return undefined
  return clip(decodeXmlText(textOf(Array.isArray(value) ? value[0] : value)).trim())
}

function requiredText(node: Record<string, unknown>, name: string, where: string, isNonEmpty: boolean): string {
  const value = optionalText(node, name)
  if (value === undefined) throw schemaError(`${where}.${name}`, 'it is missing', `a <${name}> element`)
  if (isNonEmpty && value === '') throw schemaError(`${where}.${name}`, 'it is empty', 'a value')
  return value
}

function wholeNumber(node: Record<string, unknown>, name: string, where: string, max = Number.MAX_SAFE_INTEGER): number {
  const text = requiredText(node, name, where, true)
  const number = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(number) || number > max) throw schemaError(`${where}.${name}`, JSON.stringify(text), `a whole number from 0 to ${max}`)
  return number
}

function oneOf<T extends string>(node: Record<string, unknown>, name: string, allowed: readonly T[], where: string, aliases: Readonly<Record<string, T>> = {}): T {
  const text = requiredText(node, name, where, false)
  if ((allowed as readonly string[]).includes(text)) return text as T
  const alias = aliases[text]
  if (alias !== undefined) return alias
  throw schemaError(`${where}.${name}`, JSON.stringify(text), `one of ${allowed.join(', ')} (lower case, as the schema says)`)
}

function optionalOneOf<T extends string>(node: Record<string, unknown>, name: string, allowed: readonly T[], where: string): T | undefined {
  const text = optionalText(node, name)
  if (text === undefined || text === '') return undefined
  return oneOf(node, name, allowed, where)
}

function schemaError(where: string, found: string, expected: string): TodokuError {
  return new TodokuError(REPORT_ERRORS.SCHEMA_INVALID, `reading a DMARC aggregate report: ${where}: ${found}; expected ${expected}`)
}

function clip(text: string): string {
  return text.length > MAX_FIELD_CHARS ? text.slice(0, MAX_FIELD_CHARS) : text
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const ENTITY_REFERENCE = /&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g

/** The five predefined entities and character references (all XML allows without a DOCTYPE). */
function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(ENTITY_REFERENCE, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name] ?? whole
    const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10)
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })
}
