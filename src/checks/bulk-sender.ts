// The bulk-sender requirements of Gmail, Yahoo and Outlook.com (facts and quotes in
// ../shared/knowledge/standards.md §1, from Google's 81126/14229414, Yahoo's sender
// best-practices and Microsoft's 2 Apr 2025 post), each derived from the checks above it.
import { checkResult, type CheckResult } from './check-result.ts'

export type MailboxProvider = 'gmail' | 'yahoo' | 'outlook'

type Requirement = 'spf' | 'dkim' | 'dmarc' | 'alignment' | 'ptr' | 'tls' | 'one-click-unsubscribe' | 'spam-rate'

const NAMES: Readonly<Record<MailboxProvider, string>> = { gmail: 'Gmail', yahoo: 'Yahoo', outlook: 'Outlook.com' }

/** Which provider asks for what of bulk senders (standards.md §1, "Compliance checks" table). */
const REQUIREMENTS: Readonly<Record<MailboxProvider, readonly Requirement[]>> = {
  gmail: ['spf', 'dkim', 'dmarc', 'alignment', 'ptr', 'tls', 'one-click-unsubscribe', 'spam-rate'],
  yahoo: ['spf', 'dkim', 'dmarc', 'alignment', 'ptr', 'one-click-unsubscribe', 'spam-rate'],
  outlook: ['spf', 'dkim', 'dmarc', 'alignment'],
}

const TEXT: Readonly<Record<Requirement, { readonly en: string; readonly ja: string }>> = {
  spf: { en: 'SPF passes for every egress IP', ja: 'すべての送信 IP で SPF が pass' },
  dkim: { en: 'DKIM key published and matching (≥ 1024 bits)', ja: 'DKIM 鍵が公開され一致（1024 ビット以上）' },
  dmarc: { en: 'DMARC record published (p=none at least)', ja: 'DMARC レコードを公開（最低 p=none）' },
  alignment: { en: 'From aligned with the SPF or DKIM domain', ja: 'From ドメインが SPF か DKIM のドメインとアライン' },
  ptr: { en: 'PTR and forward-confirmed reverse DNS for every egress IP', ja: 'すべての送信 IP に PTR と正引き一致（FCrDNS）' },
  tls: { en: 'TLS for transmission', ja: '送信に TLS を使用' },
  'one-click-unsubscribe': { en: 'one-click unsubscribe (RFC 8058) in marketing mail', ja: 'マーケティングメールにワンクリック購読解除（RFC 8058）' },
  'spam-rate': { en: 'user-reported spam rate below 0.3%', ja: '迷惑メール報告率 0.3% 未満' },
}

export interface BulkSenderContext {
  /** how todoku delivers: 'opportunistic' STARTTLS whenever offered, or 'none' */
  readonly tls: 'opportunistic' | 'none'
}

/** Requirement → the checks it rests on, and whether they hold. */
function judge(requirement: Requirement, checks: readonly CheckResult[], context: BulkSenderContext): { status: CheckResult['status']; failing: string[] } {
  const matching = (prefixes: readonly string[]) => checks.filter((check) => prefixes.some((prefix) => check.id === prefix || check.id.startsWith(`${prefix}:`)))
  const holds = (prefixes: readonly string[], { needOne = false } = {}) => {
    const found = matching(prefixes)
    const failing = found.filter((check) => check.status === 'fail').map((check) => check.id)
    const errors = found.filter((check) => check.status === 'error').map((check) => check.id)
    if (found.length === 0 && needOne) return { status: 'fail' as const, failing: prefixes.map((p) => `${p} (not checked)`) }
    if (failing.length > 0) return { status: 'fail' as const, failing }
    if (errors.length > 0) return { status: 'error' as const, failing: errors }
    return { status: 'pass' as const, failing: [] }
  }
  switch (requirement) {
    case 'spf':
      return holds(['spf.record', 'spf.syntax', 'spf.lookups', 'spf.void-lookups', 'spf.all', 'spf.authorized'], { needOne: true })
    case 'dkim': {
      const keys = matching(['dkim.key']).filter((check) => (check.evidence as { state?: unknown }).state !== 'retiring')
      if (!keys.some((check) => check.status === 'pass')) return { status: keys.some((k) => k.status === 'error') ? 'error' : 'fail', failing: keys.map((check) => check.id).concat(keys.length === 0 ? ['dkim.key (no key)'] : []) }
      return holds(['dkim.length'])
    }
    case 'dmarc':
      return holds(['dmarc.record'], { needOne: true })
    case 'alignment': {
      const spf = holds(['spf.authorized', 'dmarc.align.spf'], { needOne: true })
      const dkim = judge('dkim', checks, context)
      const dkimAligned = holds(['dmarc.align.dkim'], { needOne: true })
      if (spf.status === 'pass' || (dkim.status === 'pass' && dkimAligned.status === 'pass')) return { status: 'pass', failing: [] }
      return { status: 'fail', failing: [...spf.failing, ...dkim.failing, ...dkimAligned.failing] }
    }
    case 'ptr':
      return holds(['ptr'], { needOne: true })
    case 'tls':
      return context.tls === 'opportunistic' ? { status: 'pass', failing: [] } : { status: 'fail', failing: ['config delivery.tls = "none"'] }
    default:
      return { status: 'info', failing: [] }
  }
}

/** One result per provider × requirement, from the domain's other checks. Pure. */
export function evaluateBulkSenderRequirements(checks: readonly CheckResult[], context: BulkSenderContext): CheckResult[] {
  const results: CheckResult[] = []
  for (const provider of Object.keys(REQUIREMENTS) as MailboxProvider[]) {
    for (const requirement of REQUIREMENTS[provider]) {
      const id = `bulk.${provider}:${requirement}`
      const text = TEXT[requirement]
      if (requirement === 'one-click-unsubscribe' || requirement === 'spam-rate') {
        results.push(checkResult(id, 'info', `${NAMES[provider]}: ${text.en} — ${requirement === 'spam-rate' ? 'measured by the provider (Gmail Postmaster Tools, Yahoo CFL)' : 'a content matter: checked per message'}`, { provider, requirement }))
        continue
      }
      const { status, failing } = judge(requirement, checks, context)
      results.push(checkResult(id, status, `${NAMES[provider]}: ${text.en}${status === 'pass' ? '' : ` — not met (${failing.join(', ')})`}`, { provider, requirement, failing }, {
        en: `${NAMES[provider]} bulk-sender requirement "${text.en}": fix ${failing.join(', ')} (see those checks).`,
        ja: `${NAMES[provider]} の一括送信者要件「${text.ja}」: ${failing.join(', ')} を修正してください（各チェックを参照）。`,
      }))
    }
  }
  return results
}
