/**
 * A DKIM key record or DMARC record as tags (RFC 6376 §3.2 tag-list; RFC 7489 §6.4):
 * `v=DKIM1; k=rsa; p=MIIB…` → { v: 'DKIM1', k: 'rsa', p: 'MIIB…' }. Names lower-cased, values
 * trimmed, folding whitespace inside values removed for `p`. Null for text that is not a tag-list.
 */
export function parseTagList(text: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {}
  for (const part of text.split(';')) {
    if (part.trim() === '') continue
    const at = part.indexOf('=')
    if (at <= 0) return undefined
    const name = part.slice(0, at).trim().toLowerCase()
    if (!/^[a-z][a-z0-9_]*$/.test(name) || name in tags) return undefined
    tags[name] = part.slice(at + 1).trim()
  }
  return tags
}
