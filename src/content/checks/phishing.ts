// Misleading wording and phishing signs: urgent account threats, link text that shows another
// domain than the link's, URL shorteners, IP-address links, display names that imitate another
// sender, and a DKIM signature by another domain than From's.
import { isIP } from 'node:net'
import type { Hit } from '../finding.ts'
import type { MessageFacts } from '../message-facts.ts'
import { registrableDomain, type ContentRules } from '../rules.ts'
import type { CheckContext } from './check.ts'

export function checkWording(facts: MessageFacts, context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const urgent = facts.phrases('urgent')
  for (const phrase of context.rules.urgent) {
    if (urgent.has(phrase)) hits.push({ id: 'wording.urgent-threat', where: {}, vars: { phrase } })
  }
  return hits
}

/** A host name as link text shows it: 'www.example.jp', 'https://example.jp/login'. */
const SHOWN_HOST = /^(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24})(?:[:/?#]\S*)?$/i

export function checkLinks(facts: MessageFacts, context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const seenShorteners = new Set<string>()
  const seenIps = new Set<string>()
  // newsletters repeat their links (a shop link under every item): each distinct one is judged once
  const verdicts = new Map<string, Map<string, LinkVerdict | undefined>>()
  for (const link of facts.links) {
    let byText = verdicts.get(link.href)
    if (byText === undefined) verdicts.set(link.href, byText = new Map())
    let verdict = byText.get(link.text)
    if (verdict === undefined && !byText.has(link.text)) {
      verdict = judgeLink(link.href, link.text, context.rules)
      byText.set(link.text, verdict)
    }
    if (verdict === undefined) continue
    const { host } = verdict
    const where = { part: link.part }
    if (verdict.isIp) {
      if (!seenIps.has(host)) hits.push({ id: 'link.ip-literal', where, vars: { url: link.href.slice(0, 100) } })
      seenIps.add(host)
      continue
    }
    if (verdict.isShortener) {
      if (!seenShorteners.has(host)) hits.push({ id: 'link.shortener', where, vars: { host } })
      seenShorteners.add(host)
    }
    if (verdict.shownElsewhere !== undefined) hits.push({ id: 'link.text-domain-mismatch', where, vars: { shown: verdict.shownElsewhere, target: host } })
  }
  return hits
}

/** What a link's href and text say, apart from where the link is. */
interface LinkVerdict {
  /** lower case, as hostOf gives it */
  readonly host: string
  /** an IP address (or a number a browser reads as one) instead of a name */
  readonly isIp: boolean
  readonly isShortener: boolean
  /** the host name the link text shows (lower case) when its registrable domain is not the link's */
  readonly shownElsewhere?: string
}

/** undefined for a link without an http(s) host (mailto:, relative, broken) */
function judgeLink(href: string, text: string, rules: ContentRules): LinkVerdict | undefined {
  const host = hostOf(href)
  if (host === undefined) return undefined
  const bareHost = host.replace(/^\[|\]$/g, '')
  // isIP only where a host could be one: its IPv6 pattern is costly to run on every link
  const looksNumeric = bareHost.includes(':') || /^(?:[\d.]+|0x[0-9a-f]+)$/i.test(bareHost)
  if (looksNumeric && (isIP(bareHost) !== 0 || /^\d+$/.test(bareHost) || /^0x[0-9a-f]+$/i.test(bareHost))) return { host, isIp: true, isShortener: false }
  const isShortener = rules.shorteners.has(host) || rules.shorteners.has(host.replace(/^www\./, ''))
  const shown = SHOWN_HOST.exec(text.replace(/\s+/g, ''))
  const isElsewhere = shown !== null && text.includes('.') && registrableDomain(shown[1], rules) !== registrableDomain(host, rules)
  return { host, isIp: false, isShortener, ...(isElsewhere ? { shownElsewhere: shown[1].toLowerCase() } : {}) }
}

/** The lower-case host of an http(s) URL; undefined for mailto:, relative and broken links. */
export function hostOf(href: string): string | undefined {
  const match = /^\s*https?:\/\/(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^/:?#\s]+)/i.exec(href)
  return match === null ? undefined : match[1].toLowerCase().replace(/\.$/, '')
}

export function checkFrom(facts: MessageFacts, context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const { rules } = context
  const mailbox = facts.from[0]
  if (mailbox === undefined) return hits
  const fromDomain = registrableDomain(mailbox.domain, rules)
  const name = mailbox.name
  if (name !== '') {
    const lower = name.toLowerCase()
    const shown = /(?:[a-z0-9-]+\.)+[a-z]{2,24}/i.exec(lower)
    const shownDomain = shown === null ? undefined : registrableDomain(shown[0], rules)
    if (shown !== null && shownDomain !== fromDomain && /\.[a-z]{2,}$/.test(shown[0]) && !/\s\.\s/.test(shown[0])) {
      hits.push({ id: 'from.display-name-domain', where: { header: 'From' }, vars: { name, shown: shown[0], domain: mailbox.domain } })
    } else {
      const brand = imitatedBrand(lower, fromDomain, rules)
      if (brand !== undefined) hits.push({ id: 'from.display-name-brand', where: { header: 'From' }, vars: { name, brand, domain: mailbox.domain } })
    }
  }
  const signatures = facts.all('dkim-signature').map((field) => /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(field.value.replace(/\s+/g, ' '))?.[1]?.toLowerCase()).filter((domain) => domain !== undefined)
  const signers = [...signatures, ...(context.options.signingDomains ?? []).map((domain) => domain.toLowerCase())]
  if (signers.length > 0 && !signers.some((domain) => registrableDomain(domain, rules) === fromDomain)) {
    hits.push({ id: 'from.dkim-domain-mismatch', where: { header: signatures.length > 0 ? 'DKIM-Signature' : 'From' }, vars: { domain: mailbox.domain, dkim: signers.join(', ') } })
  }
  return hits
}

function imitatedBrand(lowerName: string, fromDomain: string, rules: ContentRules): string | undefined {
  for (const brand of rules.brands) {
    if (brand.domains.has(fromDomain)) continue
    if (brand.pattern.test(lowerName)) return brand.name
  }
  return undefined
}
