import { TodokuError } from '../core/index.ts'
import type { DnsFailure } from './resolver.ts'

/** The record types the Resolver port looks up. */
export type DnsRecordType = 'TXT' | 'MX' | 'A' | 'AAAA' | 'PTR'

const FAILURE_TEXT: Readonly<Record<DnsFailure, string>> = {
  NXDOMAIN: 'the name does not exist',
  NODATA: 'the name exists but has no records of that type',
  SERVFAIL: 'the server failed to answer; expected an answer or NXDOMAIN',
  TIMEOUT: 'no answer in time; expected an answer or NXDOMAIN',
  REFUSED: 'the server refused the query; expected an answer or NXDOMAIN',
}

/**
 * A look-up that gave no answer. `code` is `DNS_<FAILURE>` (`DNS_NXDOMAIN`, `DNS_TIMEOUT`…);
 * `failure` says whether it is permanent (`DnsFailure.isTemporary`). The looked-up name is
 * `queryName`, not `name`: `Error.prototype.name` is the error's class name, which stack
 * traces and `String(error)` print.
 *
 *     looking up MX of example.jp: NXDOMAIN (the name does not exist)
 */
export class DnsError extends TodokuError {
  readonly failure: DnsFailure
  readonly queryName: string
  readonly rrtype: DnsRecordType

  constructor(failure: DnsFailure, queryName: string, rrtype: DnsRecordType, options?: { detail?: string; cause?: unknown }) {
    const detail = options?.detail === undefined ? '' : `: ${options.detail}`
    super(
      `DNS_${failure}`,
      `looking up ${rrtype} of ${queryName}: ${failure} (${FAILURE_TEXT[failure]})${detail}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'DnsError'
    this.failure = failure
    this.queryName = queryName
    this.rrtype = rrtype
  }
}

/** The DNS failure behind `error`, when it is a DnsError; undefined for anything else. */
export function dnsFailureOf(error: unknown): DnsFailure | undefined {
  return error instanceof DnsError ? error.failure : undefined
}
