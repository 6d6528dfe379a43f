// A mailbox list as From, To and Cc hold one (RFC 5322 §3.4), read loosely enough for the
// preflight: the display name (encoded-words decoded) and the address of each mailbox.
import { decodeEncodedWords } from './decode-body.ts'

export interface Mailbox {
  /** the display name, encoded-words decoded; '' when none */
  readonly name: string
  readonly address: string
  /** lower case */
  readonly domain: string
}

/** RFC 5322 §3.4 addr-spec, loosely: a local part (dot-atom or quoted) @ a domain of labels or a literal. */
const ADDR_SPEC = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+|"(?:[^"\\]|\\.)*")@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[^\]]+\])$/

/** A mailbox list ('Name <a@b>, c@d'); an empty list when any mailbox in it is not valid. */
export function parseMailboxList(value: string): Mailbox[] {
  // most From fields are one mailbox without quotes, comments or commas: nothing to split
  const items = /["(\\,]/.test(value) ? splitMailboxes(value) : [value]
  const mailboxes: Mailbox[] = []
  for (const item of items.map((text) => text.replace(/\s*\n\s*/g, ' ').trim())) {
    if (item === '') continue
    const angled = /^(.*?)<([^<>]*)>$/s.exec(item)
    const address = (angled === null ? item : angled[2]).trim()
    if (!ADDR_SPEC.test(address)) return []
    const rawName = angled === null ? '' : angled[1].trim()
    const name = decodeEncodedWords(rawName.startsWith('"') && rawName.endsWith('"') ? rawName.slice(1, -1).replace(/\\(.)/g, '$1') : rawName)
    mailboxes.push({ name, address, domain: address.slice(address.lastIndexOf('@') + 1).toLowerCase() })
  }
  return mailboxes
}

/** The mailboxes of a list, split at the commas outside quotes, comments and angle brackets; comments dropped. */
function splitMailboxes(value: string): string[] {
  const items: string[] = []
  let current = ''
  let quoted = false
  let angle = 0
  let comment = 0
  for (let index = 0; index < value.length; index++) {
    const char = value[index]
    if (char === '\\' && (quoted || comment > 0)) {
      current += char + (value[index + 1] ?? '')
      index++
      continue
    }
    if (comment > 0) {
      if (char === '(') comment++
      else if (char === ')') comment--
      continue
    }
    if (char === '"') quoted = !quoted
    else if (!quoted && char === '(') {
      comment++
      continue
    } else if (!quoted && char === '<') angle++
    else if (!quoted && char === '>') angle--
    else if (!quoted && angle === 0 && char === ',') {
      items.push(current)
      current = ''
      continue
    }
    current += char
  }
  items.push(current)
  return items
}
