/** A DMARC aggregate report (RFC 7489 appendix C, RFC 9990), normalized: the one shape both formats become. */
export interface AggregateReport {
  /** which schema it follows: RFC 9990 when it has that namespace or one of its new fields */
  readonly format: 'rfc7489' | 'rfc9990'
  readonly reportId: string
  /** the reporting organization (may be '' in real reports) */
  readonly orgName: string
  readonly email: string
  readonly extraContactInfo?: string
  readonly errors: readonly string[]
  readonly dateRange: { readonly beginS: number; readonly endS: number }
  readonly policyPublished: PolicyPublished
  readonly records: readonly AggregateRecord[]
}

export type DmarcPolicy = 'none' | 'quarantine' | 'reject'

export interface PolicyPublished {
  readonly domain: string
  /** DKIM / SPF alignment mode: relaxed or strict */
  readonly adkim?: 'r' | 's'
  readonly aspf?: 'r' | 's'
  readonly p?: DmarcPolicy
  readonly sp?: DmarcPolicy
  /** RFC 9990: policy for non-existent subdomains */
  readonly np?: DmarcPolicy
  readonly pct?: number
  readonly fo?: string
  /** RFC 9990: t=y */
  readonly testing?: 'y' | 'n'
  /** RFC 9990: how the policy was found */
  readonly discoveryMethod?: 'psl' | 'treewalk'
}

/** The DMARC evaluation of DKIM or SPF: `pass` only when it passed *and* aligned with the From domain. */
export type PolicyResult = 'pass' | 'fail'

/** RFC 9990 adds `pass` (the message passed DMARC and no policy applied). */
export type Disposition = 'none' | 'quarantine' | 'reject' | 'pass'

export type DkimResult = 'none' | 'pass' | 'fail' | 'policy' | 'neutral' | 'temperror' | 'permerror'
export type SpfResult = 'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror'

export interface AggregateRecord {
  readonly sourceIp: string
  /** messages this row stands for */
  readonly count: number
  readonly disposition: Disposition
  /** DKIM as DMARC evaluated it (aligned pass or not) */
  readonly dkim: PolicyResult
  /** SPF as DMARC evaluated it (aligned pass or not) */
  readonly spf: PolicyResult
  /** why the disposition differs from the policy (forwarded, local_policy…) */
  readonly reasons: readonly { readonly type: string; readonly comment?: string }[]
  readonly headerFrom: string
  readonly envelopeFrom?: string
  readonly envelopeTo?: string
  readonly dkimResults: readonly { readonly domain: string; readonly selector?: string; readonly result: DkimResult; readonly humanResult?: string }[]
  readonly spfResults: readonly { readonly domain: string; readonly scope?: string; readonly result: SpfResult; readonly humanResult?: string }[]
}
