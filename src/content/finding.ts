// What the preflight reports: findings, and the account policy that turns them into a decision.

/** error: receivers refuse or break the message; warning: filters or people will likely mind; info: worth knowing. */
export type Severity = 'error' | 'warning' | 'info'
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']

/** Where in the message: a header field, a MIME part ('1.2', IMAP numbering; '' the top level), a 1-based line. */
export interface FindingWhere {
  readonly header?: string
  readonly part?: string
  readonly line?: number
}

export interface Finding {
  /** stable check id: 'header.date-missing', 'unsubscribe.one-click-missing' */
  readonly id: string
  readonly severity: Severity
  readonly message: string
  readonly where: FindingWhere
  /** why receivers care */
  readonly why: string
  /** how to fix it */
  readonly fix: string
  /** the rule's source: an RFC section, a provider's page, a data file */
  readonly source: string
}

/** What a check reports before its texts are looked up in data/content-rules/checks.toml. */
export interface Hit {
  readonly id: string
  readonly where: FindingWhere
  readonly vars?: Readonly<Record<string, string | number>>
}

/** What the account does with a check's findings. */
export type PolicyAction = 'off' | 'warn' | 'reject'
export const POLICY_ACTIONS: readonly PolicyAction[] = ['off', 'warn', 'reject']

/**
 * An account's preflight policy: an action per check id ('header.date-missing') or per
 * group (the part before the dot: 'header', 'unsubscribe'), else `default`.
 */
export interface PreflightPolicy {
  readonly default: PolicyAction
  readonly checks?: Readonly<Record<string, PolicyAction>>
}

export function actionFor(policy: PreflightPolicy, id: string): PolicyAction {
  const checks = policy.checks ?? {}
  return checks[id] ?? checks[id.slice(0, id.indexOf('.'))] ?? policy.default
}

export interface PolicyDecision {
  /** findings the account wants to see (warn or reject), in message order */
  readonly findings: readonly Finding[]
  /** findings whose check the account rejects on (info findings never reject) */
  readonly rejecting: readonly Finding[]
}

/** Applies a policy: off drops a finding, warn keeps it, reject keeps it and refuses the message. */
export function applyPolicy(findings: readonly Finding[], policy: PreflightPolicy): PolicyDecision {
  const kept: Finding[] = []
  const rejecting: Finding[] = []
  for (const finding of findings) {
    const action = actionFor(policy, finding.id)
    if (action === 'off') continue
    kept.push(finding)
    if (action === 'reject' && finding.severity !== 'info') rejecting.push(finding)
  }
  return { findings: kept, rejecting }
}

/** A policy from config lists: ids or groups per action, `fallback` for the rest (a later list wins: off, warn, reject). */
export function policyFromLists(lists: { readonly fallback: PolicyAction; readonly off?: readonly string[]; readonly warn?: readonly string[]; readonly reject?: readonly string[] }): PreflightPolicy {
  const checks: Record<string, PolicyAction> = {}
  for (const action of POLICY_ACTIONS) for (const id of lists[action === 'off' ? 'off' : action === 'warn' ? 'warn' : 'reject'] ?? []) checks[id] = action
  return { default: lists.fallback, checks }
}
