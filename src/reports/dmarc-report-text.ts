// The DMARC analysis and the TLS-RPT summary as text for people, in English or Japanese. Pure.
import type { DmarcAnalysis, DmarcFix, EnforcementVerdict, SourceKind } from './analyze-dmarc.ts'
import type { TlsDomainSummary } from './summarize-tlsrpt.ts'

export type ReportLanguage = 'en' | 'ja'

const KIND: Record<ReportLanguage, Record<SourceKind, string>> = {
  en: { own: 'todoku (own)', 'third-party': 'third-party (SPF-authorized)', forwarder: 'forwarder', unknown: 'unknown (likely spoofing)' },
  ja: { own: 'todoku (自社)', 'third-party': '外部サービス (SPF 許可済み)', forwarder: '転送', unknown: '不明 (なりすましの可能性)' },
}

const VERDICT: Record<ReportLanguage, Record<EnforcementVerdict, (a: DmarcAnalysis) => string>> = {
  en: {
    'not-enough-data': (a) => `not enough data yet: ${a.legitimate.messages} legitimate messages reported; wait for more reports before enforcing`,
    'fix-first': (a) => `not yet safe to enforce: ${pct(a.legitimate.passRate)} of legitimate mail passes DMARC${a.enforcement.failing.length > 0 ? `; failing: ${a.enforcement.failing.join(', ')}` : ''}. Fix the items below first`,
    'move-to-quarantine': (a) => `safe to move to p=quarantine: ${pct(a.legitimate.passRate)} of legitimate mail passes DMARC and no legitimate sender fails (start with pct=25, then raise it)`,
    'move-to-reject': (a) => `safe to move to p=reject: ${pct(a.legitimate.passRate)} of legitimate mail passes DMARC under p=quarantine`,
    'at-reject': (a) => `at p=reject, and ${pct(a.legitimate.passRate)} of legitimate mail passes DMARC: keep it`,
  },
  ja: {
    'not-enough-data': (a) => `データ不足: 正規のメールは ${a.legitimate.messages} 通しか報告されていません。ポリシー強化の前にレポートを待ってください`,
    'fix-first': (a) => `まだポリシーを強化できません: 正規メールの DMARC 合格率 ${pct(a.legitimate.passRate)}${a.enforcement.failing.length > 0 ? `、失敗中: ${a.enforcement.failing.join(', ')}` : ''}。先に下の項目を直してください`,
    'move-to-quarantine': (a) => `p=quarantine に移行できます: 正規メールの ${pct(a.legitimate.passRate)} が DMARC に合格し、失敗している正規の送信元はありません (pct=25 から段階的に)`,
    'move-to-reject': (a) => `p=reject に移行できます: p=quarantine のもとで正規メールの ${pct(a.legitimate.passRate)} が DMARC に合格しています`,
    'at-reject': (a) => `p=reject で運用中、正規メールの ${pct(a.legitimate.passRate)} が合格: このままで問題ありません`,
  },
}

const FIX: Record<ReportLanguage, Record<DmarcFix['code'], (f: DmarcFix, domain: string) => string>> = {
  en: {
    'own-dkim-failing': (f, d) => `todoku's own IP ${f.sourceIp}: ${f.messages} messages without an aligned DKIM pass${f.seenDomain ? ` (signed d=${f.seenDomain})` : ''}: publish the DKIM key of ${d} and check it with \`todoku domain check ${d}\``,
    'own-spf-failing': (f, d) => `todoku's own IP ${f.sourceIp}: SPF fails for ${f.messages} messages: add ip4/ip6:${f.sourceIp} (or todoku's include) to the SPF record of ${d}'s return-path domain`,
    'third-party-dkim-unaligned': (f, d) => `${f.provider ?? f.sourceIp}: ${f.messages} messages fail DMARC: it signs with d=${f.seenDomain ?? '(its own domain)'}, not ${d}: set up custom-domain DKIM for ${d} at the provider`,
    'third-party-dkim-missing': (f, d) => `${f.provider ?? f.sourceIp}: ${f.messages} messages fail DMARC with no DKIM signature of ${d}: set up DKIM for ${d} at the provider`,
    'third-party-return-path-unaligned': (f, d) => `${f.provider ?? f.sourceIp}: SPF passes for ${f.seenDomain ?? 'its own bounce domain'}, which is not ${d}: set a custom return-path (bounce) domain under ${d}`,
    'known-sender-not-authorized': (f, d) => `${f.provider} (${f.sourceIp}): ${f.messages} messages neither SPF-authorized nor DKIM-signed for ${d}: if you send through ${f.provider}, add ${f.spfInclude ? `include:${f.spfInclude}` : 'its include'} to the SPF of ${d} and set up its DKIM; if not, it is spoofing`,
    'likely-spoofing': (f, d) => `${f.sourceIp}: ${f.messages} messages with From ${d} from a sender you have not authorized: likely spoofing (p=quarantine/reject stops it); if it is yours, authorize it in SPF and sign with DKIM`,
  },
  ja: {
    'own-dkim-failing': (f, d) => `todoku の IP ${f.sourceIp}: ${f.messages} 通が DKIM アラインメントで合格していません${f.seenDomain ? ` (署名 d=${f.seenDomain})` : ''}: ${d} の DKIM 公開鍵を公開し、\`todoku domain check ${d}\` で確認してください`,
    'own-spf-failing': (f, d) => `todoku の IP ${f.sourceIp}: ${f.messages} 通で SPF が失敗: ${d} のリターンパス用ドメインの SPF に ip4/ip6:${f.sourceIp} (または todoku の include) を追加してください`,
    'third-party-dkim-unaligned': (f, d) => `${f.provider ?? f.sourceIp}: ${f.messages} 通が DMARC 不合格: d=${f.seenDomain ?? '(サービス自身のドメイン)'} で署名しており ${d} ではありません: サービス側で ${d} の独自ドメイン DKIM を設定してください`,
    'third-party-dkim-missing': (f, d) => `${f.provider ?? f.sourceIp}: ${f.messages} 通が ${d} の DKIM 署名なしで DMARC 不合格: サービス側で ${d} の DKIM を設定してください`,
    'third-party-return-path-unaligned': (f, d) => `${f.provider ?? f.sourceIp}: SPF は ${f.seenDomain ?? 'サービスのバウンス用ドメイン'} で合格していますが ${d} ではありません: ${d} 配下の独自リターンパス (バウンス) ドメインを設定してください`,
    'known-sender-not-authorized': (f, d) => `${f.provider} (${f.sourceIp}): ${f.messages} 通が ${d} として SPF 許可も DKIM 署名もありません: ${f.provider} を使っているなら ${d} の SPF に ${f.spfInclude ? `include:${f.spfInclude}` : 'その include'} を追加し DKIM を設定してください。使っていなければなりすましです`,
    'likely-spoofing': (f, d) => `${f.sourceIp}: 許可していない送信元から From ${d} のメールが ${f.messages} 通: なりすましの可能性 (p=quarantine/reject で止まります)。自社のものなら SPF で許可し DKIM で署名してください`,
  },
}

const LABELS = {
  en: { title: 'DMARC report', reports: 'reports', from: 'from', messages: 'messages', passing: 'pass DMARC', policy: 'policy', environments: 'sending environments', fixes: 'what to fix', verdict: 'enforcement', none: 'no reports stored for this query', sources: 'sources', nothing: 'nothing to fix' },
  ja: { title: 'DMARC レポート', reports: '件のレポート', from: '送信元組織', messages: '通', passing: 'DMARC 合格', policy: 'ポリシー', environments: '送信環境', fixes: '修正すべき点', verdict: 'ポリシー強化', none: 'この条件のレポートはまだありません', sources: '送信元', nothing: '修正すべき点はありません' },
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10)
}

export function formatDmarcAnalysis(a: DmarcAnalysis, lang: ReportLanguage = 'en'): string {
  const l = LABELS[lang]
  const domain = a.domain ?? '(all domains)'
  if (a.reports === 0) return `${l.title} ${domain}: ${l.none}\n`
  const lines = [
    `${l.title} ${domain}: ${a.reports} ${l.reports} (${a.reporters.join(', ')}), ${a.period ? `${day(a.period.beginS)} – ${day(a.period.endS)}` : ''}`,
    `  ${a.messages} ${l.messages}, ${pct(a.messages === 0 ? 0 : a.dmarcPass / a.messages)} ${l.passing}; ${l.policy} p=${a.policy ?? '?'}`,
    '',
    `${l.environments}:`,
  ]
  const rows = a.environments.map((e) => [e.name, KIND[lang][e.kind], String(e.sources), String(e.messages), pct(e.passRate), e.isFailing && e.kind !== 'unknown' ? 'FAIL' : e.isFailing ? '-' : 'ok'])
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i].length)))
  for (const row of rows) lines.push(`  ${row.map((cell, i) => (i < 5 ? cell.padEnd(widths[i]) : cell)).join('  ')}`)
  lines.push('', `${l.fixes}:`)
  if (a.fixes.length === 0) lines.push(`  ${l.nothing}`)
  for (const fix of a.fixes.slice(0, 20)) lines.push(`  - ${FIX[lang][fix.code](fix, a.domain ?? fix.sourceIp)}`)
  if (a.fixes.length > 20) lines.push(`  … ${a.fixes.length - 20} more (--json for all)`)
  lines.push('', `${l.verdict}: ${VERDICT[lang][a.enforcement.verdict](a)}`)
  return `${lines.join('\n')}\n`
}

/** The text of one fix (for API clients and the CLI's JSON, next to its code). */
export function describeDmarcFix(fix: DmarcFix, domain: string, lang: ReportLanguage = 'en'): string {
  return FIX[lang][fix.code](fix, domain)
}

export function formatTlsSummary(summaries: readonly TlsDomainSummary[], lang: ReportLanguage = 'en'): string {
  if (summaries.length === 0) return lang === 'ja' ? 'TLS-RPT レポートはまだありません\n' : 'no TLS-RPT reports stored for this query\n'
  const lines: string[] = []
  for (const s of summaries) {
    lines.push(lang === 'ja'
      ? `${s.domain} (${s.policyTypes.join(', ')}): ${s.reports} 件 (${s.reporters.join(', ')}), 成功 ${s.successfulSessions} / 失敗 ${s.failedSessions} セッション (${pct(s.failureRate)})`
      : `${s.domain} (${s.policyTypes.join(', ')}): ${s.reports} reports (${s.reporters.join(', ')}), ${s.successfulSessions} sessions ok, ${s.failedSessions} failed (${pct(s.failureRate)})`)
    for (const f of s.failures) {
      const where = [f.receivingMxHosts.length > 0 ? `mx ${f.receivingMxHosts.join(', ')}` : '', f.sendingIps.length > 0 ? `from ${f.sendingIps.join(', ')}` : '', f.reasonCodes.length > 0 ? f.reasonCodes.join('; ') : ''].filter((x) => x !== '').join('; ')
      lines.push(`  ${f.resultType}: ${f.sessions}${where === '' ? '' : `  (${where})`}`)
    }
  }
  return `${lines.join('\n')}\n`
}
