/**
 * DNS as a port: the five look-ups todoku needs, shaped like `dns.promises` (as mailauth's
 * checks take a `resolver`). Outcomes that are answers (no such name, no records) are
 * errors with stable codes, so callers can tell "the domain does not exist" (permanent)
 * from "the server did not answer" (temporary).
 */
export interface Resolver {
  /** TXT records, each as its character-strings */
  txt(name: string): Promise<string[][]>
  mx(name: string): Promise<MxRecord[]>
  a(name: string): Promise<string[]>
  aaaa(name: string): Promise<string[]>
  ptr(address: string): Promise<string[]>
}

export interface MxRecord {
  readonly exchange: string
  readonly priority: number
}

/**
 * Why a look-up gave no answer:
 * - `NXDOMAIN`: the name does not exist (permanent)
 * - `NODATA`: the name exists, without records of that type (permanent)
 * - `SERVFAIL`: the server failed (temporary)
 * - `TIMEOUT`: no answer in time (temporary)
 * - `REFUSED`: the server refused the query (temporary)
 */
export type DnsFailure = 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'TIMEOUT' | 'REFUSED'

export const DnsFailure = {
  isTemporary(failure: DnsFailure): boolean {
    return failure === 'SERVFAIL' || failure === 'TIMEOUT' || failure === 'REFUSED'
  },
}
