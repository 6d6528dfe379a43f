// What a stored sending domain should look like in DNS, given the config's egress sources
// and inbound host. Pure.
import type { SendingDomain } from '../store/index.ts'
import type { DomainCheckTarget } from './run-domain-checks.ts'

export interface DomainTargetOptions {
  /** egress sources; those without an address (the OS picks) cannot be checked and are left out */
  readonly egress: readonly { readonly address?: string; readonly ehloName: string }[]
  readonly mxHost?: string
  readonly spfInclude?: string
}

/** The check target of a stored domain: its keys in rotation order (active, pending, retiring). */
export function domainCheckTargetOf(domain: SendingDomain, options: DomainTargetOptions): DomainCheckTarget {
  return {
    domain: domain.name,
    bounceDomain: domain.bounceDomain ?? domain.name,
    dkimKeys: [
      ...domain.dkimKeys.map((key) => ({ ...key, state: 'active' as const })),
      ...(domain.pendingDkimKeys ?? []).map((key) => ({ ...key, state: 'pending' as const })),
      ...(domain.retiringDkimKeys ?? []).map(({ retireAtMs: _, ...key }) => ({ ...key, state: 'retiring' as const })),
    ],
    egress: options.egress.flatMap((source) => (source.address === undefined ? [] : [{ address: source.address, ehloName: source.ehloName }])),
    ...(options.mxHost !== undefined && { mxHost: options.mxHost }),
    ...(options.spfInclude !== undefined && { spfInclude: options.spfInclude }),
  }
}
