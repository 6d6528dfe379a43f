// Size: the whole message and each attachment against the thresholds; Gmail's HTML clipping.
import type { Hit } from '../finding.ts'
import type { MessageFacts } from '../message-facts.ts'
import type { CheckContext } from './check.ts'

export function checkSize(facts: MessageFacts, context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const { sizes } = context
  const size = facts.message.sizeBytes
  if (size > sizes.messageRejectBytes) hits.push({ id: 'size.message-too-large', where: {}, vars: { size: formatBytes(size), limit: formatBytes(sizes.messageRejectBytes) } })
  else if (size > sizes.messageWarnBytes) hits.push({ id: 'size.message-large', where: {}, vars: { size: formatBytes(size), limit: formatBytes(sizes.messageWarnBytes) } })
  for (const attachment of facts.attachments) {
    const vars = { filename: attachment.filename || `(part ${attachment.part.path})`, size: formatBytes(attachment.sizeBytes) }
    const where = { part: attachment.part.path }
    if (attachment.sizeBytes > sizes.attachmentRejectBytes) hits.push({ id: 'size.attachment-too-large', where, vars: { ...vars, limit: formatBytes(sizes.attachmentRejectBytes) } })
    else if (attachment.sizeBytes > sizes.attachmentWarnBytes) hits.push({ id: 'size.attachment-large', where, vars: { ...vars, limit: formatBytes(sizes.attachmentWarnBytes) } })
  }
  for (const text of facts.textParts) {
    if (text.kind === 'html' && text.sizeBytes > sizes.htmlClipBytes) hits.push({ id: 'size.html-clipped', where: { part: text.part.path }, vars: { size: formatBytes(text.sizeBytes) } })
  }
  return hits
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${bytes} bytes`
}
