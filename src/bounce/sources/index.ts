import type { BounceSource } from './types.ts'
import { amazonSes } from './amazon-ses.ts'
import { amazonWorkmail } from './amazon-workmail.ts'
import { gmail } from './gmail.ts'
import { googleGroups } from './google-groups.ts'
import { googleWorkspace } from './google-workspace.ts'
import { office365 } from './office365.ts'
import { receivingSes } from './receiving-ses.ts'
import { bigfoot } from './bigfoot.ts'
import { biglobe } from './biglobe.ts'
import { einsUndEins } from './eins-und-eins.ts'
import { ezweb } from './ezweb.ts'
import { gmx } from './gmx.ts'
import { kddi } from './kddi.ts'
import { mailRu } from './mail-ru.ts'
import { outlook } from './outlook.ts'
import { sendgrid } from './sendgrid.ts'
import { verizon } from './verizon.ts'
import { yahoo } from './yahoo.ts'
import { yandex } from './yandex.ts'
import { zoho } from './zoho.ts'
import { arf } from './arf.ts'
import { fallback } from './fallback.ts'
import { rfc3464 } from './rfc3464.ts'
import { rfc3834 } from './rfc3834.ts'

/**
 * Every bounce source, in the order they are asked (Sisimai's lib/sisimai/order.rb idea):
 * the most specific formats first, the standards (RFC 3464, ARF, RFC 3834) after them, and
 * the generic fallback last. Registered explicitly, never as an import side effect.
 */
export const SOURCES: readonly BounceSource[] = [
  // Mailbox providers and ESPs (each guards on its own headers; SES-relayed formats before SES):
  amazonWorkmail,
  receivingSes,
  office365,
  amazonSes,
  googleGroups,
  googleWorkspace,
  gmail,
  outlook,
  yahoo,
  verizon,
  mailRu,
  yandex,
  zoho,
  gmx,
  einsUndEins,
  sendgrid,
  ezweb,
  kddi,
  biglobe,
  bigfoot,
  // The standards, after every MTA-specific source:
  rfc3464,
  arf,
  rfc3834,
  // Last, always:
  fallback,
]

export type { BounceSource, SourceResult, RawRecipient, DsnAction } from './types.ts'
