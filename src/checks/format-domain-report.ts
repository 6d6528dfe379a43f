// A DomainReport as text for people: one line per check with its status, and the fix under
// each failure, in English or Japanese.
import type { CheckStatus, DomainReport } from './check-result.ts'

export type ReportLanguage = 'en' | 'ja'

const LABEL: Readonly<Record<ReportLanguage, Readonly<Record<CheckStatus, string>>>> = {
  en: { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO', error: 'ERROR' },
  ja: { pass: '合格', fail: '不合格', warn: '注意', info: '情報', error: 'エラー' },
}

const HEADINGS = {
  en: { title: 'domain check', fix: 'fix', overall: 'overall', counts: (n: Record<CheckStatus, number>) => `${n.pass} pass, ${n.fail} fail, ${n.warn} warn, ${n.error} error, ${n.info} info` },
  ja: { title: 'ドメイン診断', fix: '対処', overall: '総合', counts: (n: Record<CheckStatus, number>) => `合格 ${n.pass}・不合格 ${n.fail}・注意 ${n.warn}・エラー ${n.error}・情報 ${n.info}` },
} as const

/** The report as a table of lines. */
export function formatDomainReport(report: DomainReport, language: ReportLanguage = 'en'): string {
  const labels = LABEL[language]
  const headings = HEADINGS[language]
  const width = Math.max(...report.checks.map((check) => check.id.length), 10)
  const lines = [`${headings.title}: ${report.domain} (${new Date(report.checkedAtMs).toISOString()})`, '']
  for (const check of report.checks) {
    lines.push(`${labels[check.status].padEnd(language === 'ja' ? 4 : 5)}  ${check.id.padEnd(width)}  ${check.summary}`)
    if (check.fix !== undefined) lines.push(`${' '.repeat(width + 9)}→ ${headings.fix}: ${check.fix[language]}`)
  }
  const counts = { pass: 0, fail: 0, warn: 0, info: 0, error: 0 }
  for (const check of report.checks) counts[check.status]++
  lines.push('', `${headings.overall}: ${labels[report.status]} (${headings.counts(counts)})`)
  return `${lines.join('\n')}\n`
}
