// Unsubscribe and opt-out for bulk mail: List-Unsubscribe (RFC 2369), one-click (RFC 8058),
// and a way out in the body.
import type { Hit } from '../finding.ts'
import type { MessageFacts } from '../message-facts.ts'
import type { CheckContext } from './check.ts'

/** Bulk by the caller's word, or by the fields list and bulk mailers write (RFC 2919 List-Id; Precedence, RFC 3834 §3.1.8). */
export function isBulk(facts: MessageFacts, context: CheckContext): boolean {
  if (context.options.bulk !== undefined) return context.options.bulk
  if (facts.all('list-id').length > 0) return true
  return facts.all('precedence').some((field) => /^\s*(bulk|list)\b/i.test(field.value))
}

export function checkUnsubscribe(facts: MessageFacts, context: CheckContext): Hit[] {
  if (!isBulk(facts, context)) return []
  const hits: Hit[] = []
  const header = facts.all('list-unsubscribe')[0]
  if (header === undefined) hits.push({ id: 'unsubscribe.header-missing', where: { header: 'List-Unsubscribe' } })
  else if (/<\s*https:/i.test(header.value)) {
    const post = facts.all('list-unsubscribe-post')[0]
    if (post === undefined || post.value.replace(/\s+/g, '') !== 'List-Unsubscribe=One-Click') {
      hits.push({ id: 'unsubscribe.one-click-missing', where: { header: 'List-Unsubscribe-Post', line: header.line } })
    }
  }
  if (!hasOptOutText(facts, context)) hits.push({ id: 'unsubscribe.body-opt-out-missing', where: {} })
  return hits
}

export function hasOptOutText(facts: MessageFacts, context: CheckContext): boolean {
  if (context.rules.optOut.some((phrase) => facts.phrases('optOut').has(phrase))) return true
  // a link whose address says it (…/unsubscribe?…), even when its text is an image
  return facts.links.some((link) => /unsubscribe|opt-?out|teishi|kaijo/i.test(link.href))
}
