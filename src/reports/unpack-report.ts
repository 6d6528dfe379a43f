// From the bytes we were given to the report's text: undo gzip, zip and email wrapping, in
// any nesting up to MAX_CONTAINER_DEPTH. Pure (node:zlib's sync calls are computation).
import { gunzipSync } from 'node:zlib'
import { parseMail, partBytes, type MailPart } from '../bounce/index.ts'
import { TodokuError } from '../core/index.ts'
import { MAX_CONTAINER_DEPTH, MAX_REPORT_INPUT_BYTES, MAX_UNCOMPRESSED_BYTES } from './limits.ts'
import { REPORT_ERRORS } from './report-errors.ts'
import { isZip, readZipEntry } from './read-zip.ts'

/** What the report inside is: DMARC aggregate XML, or TLS-RPT JSON. */
export type ReportSyntax = 'xml' | 'json'

/** The wrappers undone, outermost first. */
export type Container = 'email' | 'gzip' | 'zip'

export interface UnpackedReport {
  /** the report's text, decoded (UTF-8 unless the XML declaration names another charset) */
  readonly text: string
  readonly containers: readonly Container[]
  /** the zip entry's or attachment's file name, when there was one */
  readonly fileName?: string
}

const UTF8_BOM = /^\uFEFF/
const MAIL_HEADER_START = /^(From |[!-9;-~]+[ \t]*:)/

/** Unwraps `bytes` down to a report of `syntax`; throws a REPORT_* TodokuError saying what was found instead. */
export function unpackReport(bytes: Uint8Array, syntax: ReportSyntax): UnpackedReport {
  if (bytes.length > MAX_REPORT_INPUT_BYTES) {
    throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `reading a report of ${bytes.length} bytes: over the limit of ${MAX_REPORT_INPUT_BYTES}; expected a report (or report email) of at most that size`)
  }
  return unpack(bytes, syntax, [], undefined)
}

function unpack(bytes: Uint8Array, syntax: ReportSyntax, containers: Container[], fileName: string | undefined): UnpackedReport {
  if (containers.length > MAX_CONTAINER_DEPTH) {
    throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `unwrapping ${containers.join(' → ')}: more than ${MAX_CONTAINER_DEPTH} containers deep; expected a report in at most an email and one zip or gzip`)
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return unpack(gunzip(bytes), syntax, [...containers, 'gzip'], fileName)
  if (isZip(bytes)) {
    const entry = readZipEntry(bytes, (name) => name.toLowerCase().endsWith(`.${syntax}`))
    return unpack(entry.bytes, syntax, [...containers, 'zip'], entry.name)
  }
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1').replace(/^\xEF\xBB\xBF/, '').trimStart()
  if ((syntax === 'xml' && head.startsWith('<')) || (syntax === 'json' && head.startsWith('{'))) {
    return { text: decodeText(bytes, syntax), containers, ...(fileName !== undefined && { fileName }) }
  }
  const isOtherSyntax = head.startsWith('<') || head.startsWith('{')
  if (!isOtherSyntax && !containers.includes('email') && MAIL_HEADER_START.test(head)) return unpackEmail(bytes, syntax, [...containers, 'email'])
  const what = syntax === 'xml' ? 'a DMARC aggregate report (XML, .xml.gz, .zip, or an email with one attached)' : 'a TLS-RPT report (JSON, .json.gz, or an email with one attached)'
  const inside = containers.length === 0 ? '' : ` inside ${containers.join(' → ')}`
  throw new TodokuError(REPORT_ERRORS.UNRECOGNIZED, `reading ${bytes.length} bytes${inside}: they start with ${JSON.stringify(head.slice(0, 24))}; expected ${what}`)
}

function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_UNCOMPRESSED_BYTES })
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TodokuError(REPORT_ERRORS.TOO_LARGE, `gunzipping a report of ${bytes.length} bytes: it inflates past ${MAX_UNCOMPRESSED_BYTES} bytes; expected a report of at most that size`, { cause: error })
    }
    throw new TodokuError(REPORT_ERRORS.CONTAINER_INVALID, `gunzipping a report of ${bytes.length} bytes: ${(error as Error).message}; expected a complete gzip file`, { cause: error })
  }
}

/** Content types a report attachment comes as (RFC 7489 §7.2.1.1, RFC 8460 §5.3), and the generic ones some senders use. */
const REPORT_TYPES = new Set([
  'application/zip', 'application/x-zip', 'application/x-zip-compressed', 'application/gzip', 'application/x-gzip',
  'text/xml', 'application/xml', 'application/tlsrpt+gzip', 'application/tlsrpt+json', 'application/json', 'application/octet-stream',
])
const REPORT_FILE_NAME = /\.(xml|json|gz|gzip|zip)$/i

/** The first attachment of the email that unwraps to a report of `syntax`. */
function unpackEmail(bytes: Uint8Array, syntax: ReportSyntax, containers: Container[]): UnpackedReport {
  const mail = parseMail(bytes)
  const leaves: MailPart[] = []
  const walk = (part: MailPart): void => {
    if (part.parts.length > 0) part.parts.forEach(walk)
    else leaves.push(part)
  }
  walk(mail.root)
  let firstError: unknown
  for (const part of leaves) {
    const name = attachmentName(part)
    if (!REPORT_TYPES.has(part.contentType) && !(name !== undefined && REPORT_FILE_NAME.test(name))) continue
    try {
      return unpack(partBytes(part), syntax, containers, name)
    } catch (error) {
      firstError ??= error
    }
  }
  if (firstError !== undefined) throw firstError
  const types = leaves.map((part) => part.contentType).join(', ')
  throw new TodokuError(REPORT_ERRORS.UNRECOGNIZED, `reading an email (subject ${JSON.stringify(mail.headers.get('subject') ?? '')}): no report attachment among its parts (${types}); expected an ${syntax === 'xml' ? 'application/zip, application/gzip or text/xml' : 'application/tlsrpt+gzip or application/tlsrpt+json'} attachment`)
}

function attachmentName(part: MailPart): string | undefined {
  const disposition = part.headers.get('content-disposition') ?? ''
  const match = /filename\*?=\s*"?([^";]+)"?/i.exec(disposition) ?? (part.params.name === undefined ? null : [part.params.name, part.params.name])
  return match?.[1]?.trim()
}

const XML_ENCODING = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/

/** The report's text: UTF-8 (a bad byte becomes U+FFFD rather than failing the report), or the charset an XML declaration names. */
function decodeText(bytes: Uint8Array, syntax: ReportSyntax): string {
  let label = 'utf-8'
  if (syntax === 'xml') {
    const declared = XML_ENCODING.exec(Buffer.from(bytes.subarray(0, 200)).toString('latin1').replace(/^\xEF\xBB\xBF/, ''))?.[1]
    if (declared !== undefined) {
      try {
        label = new TextDecoder(declared).encoding
      } catch {
        label = 'utf-8'
      }
    }
  }
  return new TextDecoder(label).decode(bytes).replace(UTF8_BOM, '')
}
