// Attachments: executables and scripts, macro documents, double extensions, and inside zip
// archives: the same, plus archives in archives and password protection.
import type { Hit } from '../finding.ts'
import { MAX_ARCHIVE_BYTES } from '../limits.ts'
import type { MessageFacts } from '../message-facts.ts'
import type { ContentRules } from '../rules.ts'
import { readZipDirectory } from '../zip-directory.ts'
import type { CheckContext } from './check.ts'

export function checkAttachments(facts: MessageFacts, context: CheckContext): Hit[] {
  const hits: Hit[] = []
  const { rules } = context
  for (const attachment of facts.attachments) {
    const where = { part: attachment.part.path }
    if (attachment.filename !== '') hits.push(...checkName(attachment.filename, attachment.filename, where, rules))
    const isZip = extensionsOf(attachment.filename).at(-1) === 'zip' || attachment.contentType === 'application/zip' || attachment.contentType === 'application/x-zip-compressed'
    if (!isZip || attachment.sizeBytes > MAX_ARCHIVE_BYTES) continue
    const entries = readZipDirectory(attachment.bytes())
    if (entries === undefined) continue
    const shown = attachment.filename || `(part ${attachment.part.path})`
    let nested = false
    let encrypted = false
    for (const entry of entries) {
      if (entry.name.endsWith('/')) continue
      const base = entry.name.slice(entry.name.lastIndexOf('/') + 1)
      hits.push(...checkName(`${shown}/${entry.name}`, base, where, rules))
      if (!nested && rules.archiveExtensions.has(extensionsOf(base).at(-1) ?? '')) {
        nested = true
        hits.push({ id: 'attachment.nested-archive', where, vars: { filename: shown, inner: entry.name } })
      }
      if (!encrypted && entry.encrypted) {
        encrypted = true
        hits.push({ id: 'attachment.encrypted-archive', where, vars: { filename: shown } })
      }
    }
  }
  return hits
}

/** 'invoice.pdf.exe' → ['pdf', 'exe'] (lower case; a leading dot is no extension). */
export function extensionsOf(filename: string): string[] {
  const base = filename.trim().replace(/[\s.]+$/, '').toLowerCase()
  const pieces = base.split('.')
  return pieces.length <= 1 ? [] : pieces.slice(1).filter((piece) => piece !== '')
}

function checkName(shown: string, filename: string, where: { part: string }, rules: ContentRules): Hit[] {
  const extensions = extensionsOf(filename)
  const last = extensions.at(-1)
  if (last === undefined) return []
  const hits: Hit[] = []
  const dangerous = rules.dangerousExtensions.has(last)
  const before = extensions.at(-2)
  if (dangerous && before !== undefined && rules.decoyExtensions.has(before)) hits.push({ id: 'attachment.double-extension', where, vars: { filename: shown } })
  else if (dangerous) hits.push({ id: 'attachment.dangerous-type', where, vars: { filename: shown, extension: `.${last}` } })
  if (rules.macroExtensions.has(last)) hits.push({ id: 'attachment.macro-document', where, vars: { filename: shown, extension: `.${last}` } })
  return hits
}
