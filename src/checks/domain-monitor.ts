// `todoku serve` re-checks every sending domain periodically and says when a check changes
// status: a DKIM key removed, an IP newly listed, a listing gone. Each change is a
// `check_changed` event of the domain's tenant; shaping holds listed IPs through `onListing`.
import type { Clock } from '../core/index.ts'
import type { Resolver } from '../dns/index.ts'
import type { Log } from '../log/index.ts'
import type { DomainStore, EventStore, NewEvent, SendingDomain } from '../store/index.ts'
import type { CheckResult, CheckStatus, DomainReport } from './check-result.ts'
import { runDomainChecks, type DomainCheckDeps, type DomainCheckTarget } from './run-domain-checks.ts'

/** A check whose status differs from the last run's (`from` undefined: first seen, not passing). */
export interface DomainCheckChange {
  readonly domain: string
  readonly checkId: string
  readonly from?: CheckStatus
  readonly to: CheckStatus
  readonly check: CheckResult
  readonly atMs: number
}

/** An egress IP's status on one blocklist changed: `listed` true when it became listed. */
export interface ListingChange {
  readonly ip: string
  readonly zone: string
  readonly listed: boolean
  readonly check: CheckResult
}

export interface DomainMonitorDeps extends Omit<DomainCheckDeps, 'dns' | 'clock'> {
  /** the domains to check, and where each change is appended as a `check_changed` event */
  readonly store: Pick<DomainStore, 'listDomains'> & Pick<EventStore, 'appendEvents'>
  readonly dns: Resolver
  readonly clock: Clock
  readonly log: Log
  /** between the end of one round and the start of the next */
  readonly intervalMs: number
  /** what the domain should look like (egress IPs and inbound host come from the config) */
  readonly targetOf: (domain: SendingDomain) => DomainCheckTarget
  readonly onChange?: (change: DomainCheckChange) => void
  /** the hook shaping uses to hold (and release) a listed egress IP */
  readonly onListing?: (change: ListingChange) => void
}

export interface DomainMonitor {
  /** one round now: every domain checked, changes told; resolves with the reports */
  runOnce(): Promise<DomainReport[]>
  /** the last report of a domain, if it was checked */
  lastReport(domain: string): DomainReport | undefined
  stop(): void
}

/** Starts the periodic checks (first round after `intervalMs`); `runOnce` runs a round at once. */
export function startDomainMonitor(deps: DomainMonitorDeps): DomainMonitor {
  const reports = new Map<string, DomainReport>()
  let timer: NodeJS.Timeout | undefined
  let isStopped = false
  let round: Promise<DomainReport[]> | undefined

  /** the changes from the previous report to the next, told; returns them as events of `tenantId` */
  const compare = (previous: DomainReport | undefined, next: DomainReport, tenantId: string): NewEvent[] => {
    const events: NewEvent[] = []
    const before = new Map((previous?.checks ?? []).map((check) => [check.id, check.status]))
    for (const check of next.checks) {
      const from = before.get(check.id)
      if (from === check.status) continue
      if (from === undefined && (check.status === 'pass' || check.status === 'info')) continue
      const change: DomainCheckChange = { domain: next.domain, checkId: check.id, ...(from !== undefined && { from }), to: check.status, check, atMs: next.checkedAtMs }
      // The alert: a check turning to fail is logged at warn. No webhooks exist yet; when they
      // do, they are fed from the `check_changed` events appended below.
      deps.log(check.status === 'fail' ? 'warn' : 'info', 'checks.status_changed', { domain: next.domain, check: check.id, from, to: check.status, summary: check.summary })
      events.push({
        type: 'check_changed', atMs: next.checkedAtMs, tenantId,
        data: { domain: next.domain, checkId: check.id, ...(from !== undefined && { from }), to: check.status, summary: check.summary },
      })
      deps.onChange?.(change)
      const listing = /^dnsbl\.ip:([^:]+):(.+)$/.exec(check.id)
      if (listing !== null && (check.status === 'fail' || from === 'fail')) {
        deps.onListing?.({ zone: listing[1] as string, ip: listing[2] as string, listed: check.status === 'fail', check })
      }
    }
    return events
  }

  const runRound = async (): Promise<DomainReport[]> => {
    const domains = await deps.store.listDomains()
    const done: DomainReport[] = []
    for (const domain of domains) {
      try {
        const report = await runDomainChecks(deps.targetOf(domain), deps)
        const events = compare(reports.get(report.domain), report, domain.tenantId)
        reports.set(report.domain, report)
        done.push(report)
        if (events.length > 0) {
          await deps.store.appendEvents(events).catch((error: unknown) => {
            deps.log('error', 'checks.events_append_failed', { domain: domain.name, events: events.length, error })
          })
        }
      } catch (error) {
        deps.log('error', 'checks.round_failed', { domain: domain.name, error })
      }
    }
    return done
  }

  const schedule = () => {
    if (isStopped) return
    timer = setTimeout(() => {
      void runOnce().finally(schedule)
    }, deps.intervalMs)
    timer.unref()
  }

  const runOnce = (): Promise<DomainReport[]> => {
    round ??= runRound().finally(() => {
      round = undefined
    })
    return round
  }

  schedule()
  return {
    runOnce,
    lastReport: (domain) => reports.get(domain.toLowerCase()),
    stop() {
      isStopped = true
      if (timer !== undefined) clearTimeout(timer)
    },
  }
}
