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
import { courier } from './courier.ts'
import { dragonfly } from './dragonfly.ts'
import { exim } from './exim.ts'
import { opensmtpd } from './opensmtpd.ts'
import { postfix } from './postfix.ts'
import { powermta } from './powermta.ts'
import { qmail } from './qmail.ts'
import { sendmail } from './sendmail.ts'
import { v5sendmail } from './v5sendmail.ts'
import { x1 } from './x1.ts'
import { x3 } from './x3.ts'
import { x6 } from './x6.ts'
import { activeHunter } from './activehunter.ts'
import { amavis } from './amavis.ts'
import { apacheJames } from './apachejames.ts'
import { barracuda } from './barracuda.ts'
import { domino } from './domino.ts'
import { exchange2003 } from './exchange2003.ts'
import { exchange2007 } from './exchange2007.ts'
import { fml } from './fml.ts'
import { imailServer } from './imailserver.ts'
import { mailFoundry } from './mailfoundry.ts'
import { mailMarshal } from './mailmarshal.ts'
import { mcafee } from './mcafee.ts'
import { messagingServer } from './messagingserver.ts'
import { mFilter } from './mfilter.ts'
import { mimecast } from './mimecast.ts'
import { mxLogic } from './mxlogic.ts'
import { notes } from './notes.ts'
import { surfControl } from './surfcontrol.ts'
import { trendMicro } from './trendmicro.ts'
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
  // The major MTAs: the named, narrow layouts first; Postfix and Sendmail, whose subjects others imitate, last:
  dragonfly,
  opensmtpd,
  courier,
  powermta,
  x1,
  x3,
  x6,
  v5sendmail,
  exim,
  qmail,
  postfix,
  sendmail,
  // Enterprise mail servers and security gateways (each guards on its own headers; Barracuda before amavis, which it embeds):
  exchange2007,
  exchange2003,
  domino,
  notes,
  messagingServer,
  imailServer,
  apacheJames,
  mailMarshal,
  mailFoundry,
  activeHunter,
  barracuda,
  amavis,
  mxLogic,
  mcafee,
  surfControl,
  trendMicro,
  mimecast,
  fml,
  mFilter,
  // The standards, after every MTA-specific source:
  rfc3464,
  arf,
  rfc3834,
  // Last, always:
  fallback,
]

export type { BounceSource, SourceResult, RawRecipient, DsnAction } from './types.ts'
