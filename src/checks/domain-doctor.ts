// The domain doctor as `todoku serve` runs it: the periodic monitor over every sending domain,
// and on-demand checks for the API, both from the config's egress sources and inbound host.
import type { Clock } from '../core/index.ts'
import type { FetchMtaStsPolicy } from '../delivery/index.ts'
import type { Resolver } from '../dns/index.ts'
import type { Log } from '../log/index.ts'
import type { DomainStore, EventStore } from '../store/index.ts'
import type { DomainReport } from './check-result.ts'
import { loadDnsblLists } from './dnsbl-lists.ts'
import { startDomainMonitor, type DomainMonitor, type DomainMonitorDeps } from './domain-monitor.ts'
import { domainCheckTargetOf, type DomainTargetOptions } from './domain-target.ts'
import { runDomainChecks } from './run-domain-checks.ts'

export interface DomainDoctorDeps extends DomainTargetOptions, Pick<DomainMonitorDeps, 'onChange' | 'onListing'> {
  /** the sending domains; the monitor appends its `check_changed` events here */
  readonly store: Pick<DomainStore, 'listDomains' | 'getDomain'> & Pick<EventStore, 'appendEvents'>
  readonly dns: Resolver
  readonly clock: Clock
  readonly log: Log
  /** config checks.intervalMs */
  readonly intervalMs: number
  /** config checks.dnsblFile; absent: data/dnsbl.toml */
  readonly dnsblFile?: string
  /** config delivery.tls */
  readonly tls: 'opportunistic' | 'none'
  readonly fetchMtaStsPolicy?: FetchMtaStsPolicy
}

export interface DomainDoctor {
  readonly monitor: DomainMonitor
  /** the checks of a tenant's sending domain now; undefined when it is not that tenant's */
  checkDomain(domain: string, tenantId: string): Promise<DomainReport | undefined>
  stop(): void
}

/** Starts the monitor (first round after `intervalMs`) and returns the on-demand checker beside it. */
export function startDomainDoctor(deps: DomainDoctorDeps): DomainDoctor {
  const blocklists = loadDnsblLists(deps.dnsblFile)
  const checkDeps = { dns: deps.dns, clock: deps.clock, blocklists, tls: deps.tls, ...(deps.fetchMtaStsPolicy !== undefined && { fetchMtaStsPolicy: deps.fetchMtaStsPolicy }) }
  const targetOptions: DomainTargetOptions = { egress: deps.egress, ...(deps.mxHost !== undefined && { mxHost: deps.mxHost }), ...(deps.spfInclude !== undefined && { spfInclude: deps.spfInclude }) }
  const monitor = startDomainMonitor({
    ...checkDeps,
    store: deps.store,
    log: deps.log,
    intervalMs: deps.intervalMs,
    targetOf: (domain) => domainCheckTargetOf(domain, targetOptions),
    ...(deps.onChange !== undefined && { onChange: deps.onChange }),
    ...(deps.onListing !== undefined && { onListing: deps.onListing }),
  })
  return {
    monitor,
    async checkDomain(name, tenantId) {
      const domain = await deps.store.getDomain(name)
      if (domain === undefined || domain.tenantId !== tenantId) return undefined
      return runDomainChecks(domainCheckTargetOf(domain, targetOptions), checkDeps)
    },
    stop: () => monitor.stop(),
  }
}
