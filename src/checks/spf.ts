// SPF: whether the MAIL FROM domain's record is valid, within RFC 7208's limits, and
// authorizes every egress IP. mailauth evaluates (strict mode: RFC 7208 exactly); the walk
// over include/redirect counts the look-ups of the whole record tree, which an evaluation for
// one IP stops short of when an early term matches.
import { spf as mailauthSpf } from 'mailauth/lib/spf/index.js'
import { dnsFailureOf, type DnsFailure, type Resolver } from '../dns/index.ts'
import { checkResult, type CheckResult } from './check-result.ts'
import { mailauthResolverOf } from './mailauth-resolver.ts'
import { lookupTermsOf, MAX_SPF_LOOKUPS, MAX_SPF_VOID_LOOKUPS, parseSpfRecord, selectSpfRecord } from './spf-record.ts'

/** RFC 7208 §2.6 results. */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror'

export interface SpfHostCheck {
  /** the connecting IP */
  readonly ip: string
  /** the MAIL FROM address (`bounce+…@bounce.example.com`); '' for the null sender (HELO identity then) */
  readonly mailFrom: string
  readonly helo: string
}

export interface SpfHostVerdict {
  readonly result: SpfResult
  /** mailauth's comment or error text */
  readonly text: string
  /** the exp= text, on fail */
  readonly explanation?: string
}

/**
 * RFC 7208 check_host() through mailauth in strict mode, over our Resolver. An outcome, never
 * thrown: DNS failures are temperror, broken records permerror.
 */
export async function checkSpfHost(request: SpfHostCheck, deps: { readonly dns: Resolver }): Promise<SpfHostVerdict> {
  const result = await mailauthSpf({
    ip: request.ip,
    sender: request.mailFrom,
    helo: request.helo,
    mta: 'todoku',
    strict: true,
    resolver: mailauthResolverOf(deps.dns) as never,
  })
  const status = result.status as { result: string; comment?: string }
  const verdict = { result: status.result.toLowerCase() as SpfResult, text: status.comment ?? '' }
  const explanation = (result as { explanation?: string }).explanation
  return explanation === undefined ? verdict : { ...verdict, explanation }
}

/** One record of the include/redirect tree. */
export interface SpfNode {
  readonly domain: string
  /** the record, or why there is none usable */
  readonly record?: string
  readonly failure?: DnsFailure | 'no-spf-record' | 'multiple-records'
  readonly syntaxProblems: readonly string[]
  readonly lookups: number
  readonly children: readonly SpfNode[]
}

/** Records walked per check. Threat: an include loop or a wide include tree making the check run without end. */
export const MAX_SPF_WALK_RECORDS = 40

/** Fetch the SPF record of `domain` and of every include/redirect target below it (edge: DNS). */
export async function walkSpf(domain: string, deps: { readonly dns: Resolver }): Promise<SpfNode> {
  let budget = MAX_SPF_WALK_RECORDS
  const visit = async (name: string, seen: ReadonlySet<string>): Promise<SpfNode> => {
    budget--
    let txt: string[][]
    try {
      txt = await deps.dns.txt(name)
    } catch (error) {
      const failure = dnsFailureOf(error)
      if (failure === undefined) throw error
      return { domain: name, failure, syntaxProblems: [], lookups: 0, children: [] }
    }
    const selection = selectSpfRecord(txt)
    if (selection.kind === 'none') return { domain: name, failure: 'no-spf-record', syntaxProblems: [], lookups: 0, children: [] }
    if (selection.kind === 'multiple') return { domain: name, failure: 'multiple-records', record: selection.records.join(' | '), syntaxProblems: [], lookups: 0, children: [] }
    const parsed = parseSpfRecord(selection.record)
    const { count, walkInto } = lookupTermsOf(parsed)
    const children: SpfNode[] = []
    for (const target of walkInto) {
      if (seen.has(target) || budget <= 0) continue
      children.push(await visit(target, new Set([...seen, target])))
    }
    return { domain: name, record: selection.record, syntaxProblems: parsed.problems, lookups: count, children }
  }
  return visit(domain.toLowerCase(), new Set([domain.toLowerCase()]))
}

export interface SpfObservation {
  readonly tree: SpfNode
  /** mailauth's verdict for each egress IP, the domain as MAIL FROM */
  readonly verdicts: readonly { readonly ip: string; readonly verdict: SpfHostVerdict }[]
}

export interface SpfExpectation {
  /** the MAIL FROM (return path) domain */
  readonly domain: string
  /** the egress IPs that must be authorized */
  readonly ips: readonly string[]
  /** what the published record should include, for the fix text: `include:spf.todoku.example` or `ip4:…` terms */
  readonly suggestedTerms: readonly string[]
}

/** Totals over the tree: DNS-querying terms, void look-ups (NXDOMAIN/NODATA targets), syntax problems. */
export function summarizeSpfTree(root: SpfNode): { lookups: number; voidLookups: number; problems: string[] } {
  let lookups = 0
  let voidLookups = 0
  const problems: string[] = []
  const visit = (node: SpfNode, isRoot: boolean) => {
    lookups += node.lookups
    if (!isRoot && (node.failure === 'NXDOMAIN' || node.failure === 'NODATA' || node.failure === 'no-spf-record')) voidLookups++
    if (!isRoot && node.failure === 'multiple-records') problems.push(`${node.domain}: more than one v=spf1 record`)
    for (const problem of node.syntaxProblems) problems.push(`${node.domain}: ${problem}`)
    for (const child of node.children) visit(child, false)
  }
  visit(root, true)
  return { lookups, voidLookups, problems }
}

/** The SPF checks, from what was observed: record, syntax, look-up limits, each egress IP. Pure. */
export function evaluateSpf(observed: SpfObservation, want: SpfExpectation): CheckResult[] {
  const { tree } = observed
  const suggestion = `v=spf1 ${want.suggestedTerms.join(' ')} -all`
  if (tree.failure !== undefined && tree.failure !== 'multiple-records' && tree.failure !== 'no-spf-record' && tree.failure !== 'NXDOMAIN' && tree.failure !== 'NODATA') {
    return [checkResult('spf.record', 'error', `SPF of ${want.domain}: the TXT look-up failed (${tree.failure})`, { failure: tree.failure })]
  }
  if (tree.failure === 'multiple-records') {
    return [checkResult('spf.record', 'fail', `SPF of ${want.domain}: more than one v=spf1 record (RFC 7208 §4.5: permerror)`, { records: tree.record }, {
      en: `Merge the SPF records of ${want.domain} into one TXT record: ${suggestion}`,
      ja: `${want.domain} の SPF レコードを 1 つの TXT レコードにまとめてください: ${suggestion}`,
    })]
  }
  if (tree.record === undefined) {
    return [checkResult('spf.record', 'fail', `SPF of ${want.domain}: no v=spf1 record`, { failure: tree.failure }, {
      en: `Publish a TXT record at ${want.domain}: ${suggestion}`,
      ja: `${want.domain} に TXT レコードを公開してください: ${suggestion}`,
    })]
  }
  const results: CheckResult[] = [checkResult('spf.record', 'pass', `SPF of ${want.domain}: ${tree.record}`, { record: tree.record })]
  const { lookups, voidLookups, problems } = summarizeSpfTree(tree)
  results.push(problems.length === 0
    ? checkResult('spf.syntax', 'pass', 'SPF syntax: valid', {})
    : checkResult('spf.syntax', 'fail', `SPF syntax: ${problems.join('; ')}`, { problems }, {
      en: `Correct the SPF record(s): ${problems.join('; ')}`,
      ja: `SPF レコードの構文を修正してください: ${problems.join('; ')}`,
    }))
  results.push(lookups <= MAX_SPF_LOOKUPS
    ? checkResult('spf.lookups', 'pass', `SPF DNS look-ups: ${lookups} of ${MAX_SPF_LOOKUPS}`, { lookups })
    : checkResult('spf.lookups', 'fail', `SPF DNS look-ups: ${lookups}, over the limit of ${MAX_SPF_LOOKUPS} (RFC 7208 §4.6.4: permerror)`, { lookups }, {
      en: `Cut the include/a/mx/ptr/exists/redirect terms of ${want.domain} (and of what it includes) to at most ${MAX_SPF_LOOKUPS}: replace includes by ip4:/ip6: ranges, drop senders you no longer use.`,
      ja: `${want.domain} の SPF（include 先を含む）の include/a/mx/ptr/exists/redirect を合計 ${MAX_SPF_LOOKUPS} 個以下にしてください。include を ip4:/ip6: に置き換えるか、使っていない送信サービスを削除します。`,
    }))
  results.push(voidLookups <= MAX_SPF_VOID_LOOKUPS
    ? checkResult('spf.void-lookups', 'pass', `SPF void look-ups: ${voidLookups} of ${MAX_SPF_VOID_LOOKUPS}`, { voidLookups })
    : checkResult('spf.void-lookups', 'fail', `SPF void look-ups: ${voidLookups}, over the limit of ${MAX_SPF_VOID_LOOKUPS} (RFC 7208 §4.6.4: permerror)`, { voidLookups }, {
      en: `Remove the include/redirect terms of ${want.domain} that name domains without an SPF record.`,
      ja: `${want.domain} の SPF から、SPF レコードの存在しないドメインを指す include/redirect を削除してください。`,
    }))
  if (/(?:^| )\+?all(?: |$)/i.test(tree.record)) {
    results.push(checkResult('spf.all', 'fail', 'SPF ends in +all: every IP on the internet may send as this domain', { record: tree.record }, {
      en: `End the SPF record of ${want.domain} with -all (or ~all), not +all.`,
      ja: `${want.domain} の SPF の末尾を +all ではなく -all（または ~all）にしてください。`,
    }))
  }
  for (const { ip, verdict } of observed.verdicts) results.push(evaluateSpfVerdict(ip, verdict, want))
  return results
}

function evaluateSpfVerdict(ip: string, verdict: SpfHostVerdict, want: SpfExpectation): CheckResult {
  const id = `spf.authorized:${ip}`
  const evidence = { ip, result: verdict.result, text: verdict.text }
  const term = ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`
  switch (verdict.result) {
    case 'pass':
      return checkResult(id, 'pass', `SPF authorizes ${ip} for ${want.domain}`, evidence)
    case 'temperror':
      return checkResult(id, 'error', `SPF for ${ip}: temperror (a DNS look-up failed): ${verdict.text}`, evidence)
    case 'permerror':
      return checkResult(id, 'fail', `SPF for ${ip}: permerror (the record is broken): ${verdict.text}`, evidence, {
        en: `Fix the SPF record of ${want.domain} (syntax, look-up limits); receivers treat permerror as no authentication.`,
        ja: `${want.domain} の SPF レコード（構文・参照回数の上限）を修正してください。permerror は認証なしと同じ扱いになります。`,
      })
    default:
      return checkResult(id, 'fail', `SPF does not authorize ${ip} for ${want.domain} (${verdict.result})`, evidence, {
        en: `Add ${want.suggestedTerms.some((t) => t.startsWith('include:')) ? want.suggestedTerms.filter((t) => t.startsWith('include:')).join(' ') + ' or ' : ''}${term} to the SPF record of ${want.domain}, before the all term.`,
        ja: `${want.domain} の SPF レコードの all の前に ${want.suggestedTerms.some((t) => t.startsWith('include:')) ? want.suggestedTerms.filter((t) => t.startsWith('include:')).join(' ') + ' または ' : ''}${term} を追加してください。`,
      })
  }
}
