// Mailbox syntax (RFC 5321 §4.1.2, RFC 5322 §3.4), pure. What we accept, how it is stored,
// and how it goes on the wire in MAIL FROM / RCPT TO.
import { domainToASCII } from 'node:url'

/** A mailbox that passed every check: safe to store, to put in a header and in an envelope. */
export interface Address {
  /** the local part as the mailbox owner spells it, without quoting ('taro..yamada.') */
  readonly local: string
  /** the domain in ASCII (IDNs as punycode), lower-cased */
  readonly domain: string
  /**
   * The address as stored and shown: `local@domain`, the local part quoted only when it
   * holds characters outside atext and '.' (a legacy `taro..yamada.@docomo.ne.jp` stays as it is).
   */
  readonly text: string
  /** what goes between the angle brackets of RCPT TO / MAIL FROM (`"taro..yamada."@docomo.ne.jp`) */
  readonly envelope: string
  /** the display name, when the input had one ('山田 太郎' from `山田 太郎 <taro@example.jp>`) */
  readonly display?: string
  /**
   * The local part breaks dot-atom only by where its dots are (leading, trailing or doubled):
   * the addresses Japanese carriers (docomo.ne.jp, ezweb.ne.jp, softbank.ne.jp…) handed out
   * before 2009. Accepted and sent quoted (RFC 5321 §4.1.2 Quoted-string), never rewritten.
   */
  readonly isLegacyLocalPart: boolean
}

export type ParsedAddress = { readonly ok: true; readonly address: Address } | { readonly ok: false; readonly error: string }

/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets (as sent, quotes included). */
export const MAX_LOCAL_PART_LENGTH = 64
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its brackets; also the store's limit. */
export const MAX_ENVELOPE_ADDRESS_LENGTH = 254
/** RFC 1035 §2.3.4: 253 characters without the root dot, 63 per label. */
export const MAX_DOMAIN_LENGTH = 253
export const MAX_LABEL_LENGTH = 63
/**
 * A display name longer than this is no name. Threat: a multi-kilobyte "name" stored and
 * folded into every header line of every copy of the message.
 */
export const MAX_DISPLAY_NAME_LENGTH = 256
/** Longest mailbox text we look at, display name included: bounds the parser's work. */
export const MAX_MAILBOX_TEXT_LENGTH = MAX_DISPLAY_NAME_LENGTH + 2 * MAX_ENVELOPE_ADDRESS_LENGTH

// RFC 5322 §3.2.3 atext.
const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~"
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`)
// atext and dots in any arrangement: the legacy carrier addresses ('taro..yamada.', '.taro')
const ATEXT_AND_DOTS = new RegExp(`^[${ATEXT}.]+$`)
// RFC 5321 §4.1.2 qtextSMTP (printable ASCII but '"' and '\') and quoted-pairSMTP.
const QTEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]$/
// CR, LF, NUL and the other controls: they would end an SMTP command or a header line early
// ("a@b>\r\nRCPT TO:<victim@c"). Rejected here, where an Address is made, once.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/

const EXPECTED = 'expected local@domain'

/** Parse one mailbox: `local@domain`, `"quoted"@domain` or `Name <local@domain>`. */
export function parseAddress(text: string): ParsedAddress {
  if (typeof text !== 'string') return fail(`${describe(text)} is not an address: ${EXPECTED} as a string`)
  if (text.length > MAX_MAILBOX_TEXT_LENGTH) {
    return fail(`${describe(text)} is not an address: it is ${text.length} characters long, expected at most ${MAX_MAILBOX_TEXT_LENGTH}`)
  }
  if (CONTROL.test(text)) return fail(`${describe(text)} is not an address: it contains a control character (CR, LF, NUL…), ${EXPECTED}`)
  const trimmed = text.trim()
  let display: string | undefined
  let spec = trimmed
  if (trimmed.endsWith('>')) {
    const open = trimmed.lastIndexOf('<')
    if (open < 0) return fail(`${describe(text)} is not an address: '>' without '<', expected Name <local@domain>`)
    spec = trimmed.slice(open + 1, -1).trim()
    const name = parseDisplayName(trimmed.slice(0, open).trim())
    if (typeof name === 'object') return fail(`${describe(text)} has a bad display name: ${name.error}`)
    display = name === '' ? undefined : name
  }
  return parseAddrSpec(text, spec, display)
}

function parseAddrSpec(original: string, spec: string, display: string | undefined): ParsedAddress {
  const at = spec.lastIndexOf('@')
  if (at <= 0 || at === spec.length - 1) return fail(`${describe(original)} is not an address: ${EXPECTED}`)
  const rawLocal = spec.slice(0, at)
  const rawDomain = spec.slice(at + 1)
  const local = parseLocalPart(rawLocal)
  if (typeof local === 'object') return fail(`${describe(original)} has a bad local part: ${local.error}`)
  const domain = parseDomain(rawDomain)
  if (typeof domain === 'object') return fail(`${describe(original)} has a bad domain: ${domain.error}`)
  const isDotAtom = DOT_ATOM.test(local)
  const isLegacyLocalPart = !isDotAtom && ATEXT_AND_DOTS.test(local)
  const envelopeLocal = isDotAtom ? local : quoteLocalPart(local)
  if (envelopeLocal.length > MAX_LOCAL_PART_LENGTH) {
    return fail(`${describe(original)} has a local part of ${envelopeLocal.length} characters: expected at most ${MAX_LOCAL_PART_LENGTH} (RFC 5321 §4.5.3.1.1)`)
  }
  const envelope = `${envelopeLocal}@${domain}`
  if (envelope.length > MAX_ENVELOPE_ADDRESS_LENGTH) {
    return fail(`${describe(original)} is ${envelope.length} characters long: expected at most ${MAX_ENVELOPE_ADDRESS_LENGTH} (RFC 5321 §4.5.3.1.3)`)
  }
  const storedLocal = isDotAtom || isLegacyLocalPart ? local : envelopeLocal
  const address: Address = { local, domain, text: `${storedLocal}@${domain}`, envelope, isLegacyLocalPart, ...(display === undefined ? {} : { display }) }
  return { ok: true, address }
}

/** The local part's content (quotes and quoted-pairs resolved), or why it is no local part. */
function parseLocalPart(raw: string): string | { error: string } {
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) return { error: 'an opening \'"\' without its closing one: expected "quoted text"@domain' }
    let content = ''
    for (let i = 1; i < raw.length - 1; i++) {
      let char = raw[i]
      if (char === '\\') {
        i++
        char = raw[i]
        if (i >= raw.length - 1 || !/^[\x20-\x7e]$/.test(char)) return { error: 'a \'\\\' at the end of the quoted text: expected \\ before a printable character' }
      } else if (char === '"') {
        return { error: 'a \'"\' inside the quoted text: expected it escaped as \\"' }
      } else if (!QTEXT.test(char)) {
        return { error: `${JSON.stringify(char)} in the quoted text: expected printable ASCII (internationalized local parts need SMTPUTF8, not supported yet)` }
      }
      content += char
    }
    if (content === '') return { error: 'it is empty: expected at least one character' }
    return content
  }
  if (ATEXT_AND_DOTS.test(raw)) {
    if (!/[^.]/.test(raw)) return { error: 'it is only dots: expected letters or digits' }
    return raw
  }
  const bad = [...raw].find((char) => !ATEXT_AND_DOTS.test(char))
  if (bad !== undefined && bad.charCodeAt(0) > 0x7e) {
    return { error: `${JSON.stringify(bad)} is not ASCII: internationalized local parts need SMTPUTF8 (RFC 6531), not supported yet` }
  }
  return { error: `${JSON.stringify(bad)} is not allowed unquoted: expected letters, digits, dots and !#$%&'*+-/=?^_\`{|}~, or a "quoted" local part` }
}

function quoteLocalPart(local: string): string {
  return `"${local.replace(/["\\]/g, (char) => `\\${char}`)}"`
}

/** The domain in ASCII, lower-cased, or why it is not a domain we can send to. */
function parseDomain(raw: string): string | { error: string } {
  if (raw.startsWith('[')) return { error: `${JSON.stringify(raw)} is an address literal: expected a domain name` }
  if (raw.endsWith('.')) return { error: `${JSON.stringify(raw)} ends with a dot: expected a domain name without the root dot` }
  // Only names that need it go through IDNA; domainToASCII also lower-cases and maps
  // fullwidth forms ('ｅｘａｍｐｌｅ．ｊｐ') as UTS #46 says.
  const ascii = /^[\x21-\x7e]*$/.test(raw) ? raw.toLowerCase() : domainToASCII(raw)
  if (ascii === '') return { error: `${JSON.stringify(raw)} is not a valid internationalized domain name (IDNA): expected a domain such as example.jp` }
  if (ascii.length > MAX_DOMAIN_LENGTH) return { error: `${JSON.stringify(raw)} is ${ascii.length} characters long: expected at most ${MAX_DOMAIN_LENGTH}` }
  const labels = ascii.split('.')
  if (labels.length < 2) return { error: `${JSON.stringify(raw)} has no dot: expected a fully qualified domain such as example.jp` }
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH) return { error: `${JSON.stringify(raw)} has a label of ${label.length} characters: expected at most ${MAX_LABEL_LENGTH}` }
    if (!LABEL.test(label)) {
      return { error: `${JSON.stringify(raw)} has the label ${JSON.stringify(label)}: expected letters, digits and inner hyphens between dots` }
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return { error: `${JSON.stringify(raw)} ends in a numeric label: expected a domain name, not an IP address` }
  return ascii
}

/** The display name's text: quoted-string or phrase, encoded-words left as they are. */
function parseDisplayName(raw: string): string | { error: string } {
  let name = raw
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
    name = raw.slice(1, -1).replace(/\\(.)/g, '$1')
  } else if (raw.includes('"')) {
    return { error: `${JSON.stringify(raw)} has a stray '"': expected "Name" <local@domain> or Name <local@domain>` }
  }
  name = name.trim()
  if (name.length > MAX_DISPLAY_NAME_LENGTH) return { error: `it is ${name.length} characters long, expected at most ${MAX_DISPLAY_NAME_LENGTH}` }
  return name
}

/**
 * Split a header-style list ('Taro <taro@example.jp>, "Yamada, H" <h@example.jp>') at the
 * commas outside quotes and angle brackets. Each piece still needs parseAddress.
 */
export function splitAddressList(text: string): string[] {
  const pieces: string[] = []
  let start = 0
  let isQuoted = false
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '\\' && isQuoted) i++
    else if (char === '"') isQuoted = !isQuoted
    else if (!isQuoted && char === '<') depth++
    else if (!isQuoted && char === '>') depth = Math.max(0, depth - 1)
    else if (!isQuoted && depth === 0 && char === ',') {
      pieces.push(text.slice(start, i))
      start = i + 1
    }
  }
  pieces.push(text.slice(start))
  return pieces.map((piece) => piece.trim()).filter((piece) => piece !== '')
}

/**
 * What to put in RCPT TO / MAIL FROM for an address as stored (`Address.text`): the local part
 * quoted when it is no dot-atom. For the delivery engine, which reads recipients from the store.
 */
export function toEnvelopeAddress(stored: string): string {
  if (stored === '') return ''
  const at = stored.lastIndexOf('@')
  if (at <= 0) return stored
  const local = stored.slice(0, at)
  if (local.startsWith('"') || DOT_ATOM.test(local)) return stored
  return `${quoteLocalPart(local)}${stored.slice(at)}`
}

function fail(error: string): ParsedAddress {
  return { ok: false, error }
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
}
