// Japan's Act on Specified Electronic Mail (特定電子メールの送信の適正化等に関する法律, 2002,
// amended 2008): advertising mail must show the sender's name, an address or URL for refusing
// further mail, the sender's postal address, and a contact for complaints (Art. 4; ordinance
// Art. 9). Applies to advertising mail that reads as Japanese or is flagged as advertising.
import type { Hit } from '../finding.ts'
import { lfText, type MessageFacts } from '../message-facts.ts'
import type { CheckContext } from './check.ts'
import { hasOptOutText } from './unsubscribe.ts'

export function isAdvertising(facts: MessageFacts, context: CheckContext): boolean {
  if (context.options.advertising !== undefined) return context.options.advertising
  return context.rules.advertising.some((phrase) => facts.phrases('advertising').has(phrase))
}

/** A phone number, an address or a URL: something a complaint can be sent to. */
const CONTACT_POINT = /[\w.+-]+@[\w-]+(\.[\w-]+)+|https?:\/\/\S+|\b0\d{1,4}-\d{1,4}-\d{3,4}\b|\+\d[\d -]{7,}/

export function checkTokutei(facts: MessageFacts, context: CheckContext): Hit[] {
  // the language first: reading for advertising phrases is a scan of its own
  if (context.options.advertising === undefined && !facts.hasJapanese) return []
  if (!isAdvertising(facts, context)) return []
  const hits: Hit[] = []
  const text = facts.visibleText()
  if (facts.from.length === 0 || facts.from.every((mailbox) => mailbox.name.trim() === '')) {
    hits.push({ id: 'tokutei.sender-name-missing', where: { header: 'From' } })
  }
  const hasOptOutLink = facts.links.length > 0 || /[\w.+-]+@[\w-]+(\.[\w-]+)+/.test(text) || facts.all('list-unsubscribe').length > 0
  if (!hasOptOutText(facts, context) || !hasOptOutLink) hits.push({ id: 'tokutei.opt-out-missing', where: {} })
  const original = facts.textParts.map((part) => lfText(part) ?? '').join('\n') + '\n' + text
  if (!context.rules.postalAddress.some((pattern) => pattern.test(original))) hits.push({ id: 'tokutei.postal-address-missing', where: {} })
  if (!context.rules.contact.some((phrase) => facts.phrases('contact').has(phrase)) || !CONTACT_POINT.test(text)) hits.push({ id: 'tokutei.contact-missing', where: {} })
  return hits
}
