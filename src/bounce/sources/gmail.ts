// Gmail: the notices of Gmail's mailer-daemon ("Mail Delivery Subsystem
// <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure|Delay)"), in both
// layouts it has used:
// - up to about 2016, text only: "Delivery to the following recipient failed permanently:",
//   an indented address, then "Technical details of permanent failure:" and, when the remote
//   host answered, "The error that the other server returned was:" and its reply, sometimes
//   with Gmail's session stage "(state 14)";
// - since, multipart/report: a "** Address not found **" headline, "Your message wasn't
//   delivered to …", "The response (from the remote server) was:" and the reply, and a
//   delivery-status part with per-recipient fields.

import type { ParsedMail } from '../mail/index.ts'
import type { Reason } from '../reason.ts'
import { findStatus } from '../scan-reply.ts'
import type { SmtpCommand } from '../verdict.ts'
import { rawFromDsn } from './delivery-status.ts'
import type { BounceSource, RawRecipient, SourceResult } from './types.ts'
import { noticeBefore } from './returned-message.ts'
import { factsOf } from './mail-facts.ts'

const GOOGLE_DAEMON = ['mailer-daemon@googlemail.com', 'mailer-daemon@google.com']
// Delivery to the following recipient failed permanently:
// Delivery to the following recipient has been delayed:
// Delivery to the following recipients failed.
const OLD_START = 'delivery to the following recipient'
const OLD_DELAYED = 'has been delayed'
// ----- Original message -----  /  ----- Message header follows -----
const OLD_ENDS = ['----- Original message -----', '----- Message header follows -----']
// Technical details of permanent failure:  /  Technical details of temporary failure:
const TECHNICAL_DETAILS = 'Technical details of '
// The error that the other server returned was:
const REMOTE_REPLY = 'The error that the other server returned was:'
// Google tried to deliver your message, but it was rejected by the server for the recipient domain example.jp by mx.example.jp. [192.0.2.153].
const REJECTED_BY = / by ([A-Za-z0-9.-]+?)\.? \[([0-9A-Fa-f.:]+)\]\./
// Gmail gave up retrying: the notice is the end of its queue lifetime.
// The recipient server did not accept our requests to connect. Learn more at …
// DNS Error: Could not contact DNS servers
const GAVE_UP = ['The recipient server did not accept our requests to connect', 'DNS Error: Could not contact DNS servers']
// "(state 14)": the stage of Gmail's SMTP session the reply answered.
const STATE_COMMANDS: Readonly<Record<string, SmtpCommand>> = {
  '6': 'TLS', '8': 'AUTH', '9': 'AUTH', '12': 'AUTH', '13': 'EHLO', '14': 'RCPT', '15': 'DATA', '17': 'DATA', '18': 'DATA',
}
// What each stage means when the reply says no more (no enhanced status, or only its class's
// catch-all X.Y.0): a refusal at RCPT is the address, one at the end of DATA the recipient side's
// filter, one at EHLO the client being blocked, one at AUTH or TLS Gmail's session failing (Sisimai's
// Gmail reads the stages the same way). A specific status ("550 550 5.2.2 … (state 14)") is
// left to the classifier; so is every reason here it re-examines (systemerror, userunknown).
const STATE_REASONS: Readonly<Record<string, Reason>> = {
  '6': 'systemerror', '8': 'systemerror', '9': 'systemerror', '12': 'norelaying', '13': 'blocked',
  '14': 'userunknown', '15': 'filtered', '17': 'filtered', '18': 'filtered',
}
// The response from the remote server was:  /  The response was:
const NEW_RESPONSE = /^The response (?:from the remote server )?was:\s*$/m
// ** Address not found **
const NEW_HEADLINE = /^\*\* .+ \*\*$/m

export const gmail: BounceSource = {
  name: 'Gmail',
  description: 'Gmail: https://mail.google.com',
  inquire(mail) {
    const from = factsOf(mail).from
    if (!GOOGLE_DAEMON.some((daemon) => from.includes(daemon))) return undefined
    if (!(mail.headers.get('subject') ?? '').startsWith('Delivery Status Notification')) return undefined
    return readNewLayout(mail) ?? readOldLayout(mail.text)
  },
}

function readOldLayout(text: string): SourceResult | undefined {
  const lower = text.toLowerCase()
  const start = lower.indexOf(OLD_START)
  if (start === -1) return undefined
  const notice = noticeBefore(text, OLD_ENDS, start)
  const isDelayed = notice.slice(0, 200).toLowerCase().includes(OLD_DELAYED)
  const detailsAt = notice.indexOf(TECHNICAL_DETAILS)
  const details = detailsAt === -1 ? '' : notice.slice(detailsAt)
  const diagnostic = readDiagnostic(details)
  const recipients: RawRecipient[] = []
  //      userunknown@example.jp
  for (const line of (detailsAt === -1 ? notice : notice.slice(0, detailsAt)).split('\n')) {
    if (!line.startsWith(' ') || !line.includes('@')) continue
    const recipient = line.trim().split(/\s+/).pop()?.replace(/^<|>$/g, '') ?? ''
    if (!recipient.includes('@')) continue
    recipients.push({ recipient, ...diagnostic, dsnAction: isDelayed ? 'delayed' : 'failed', ...(isDelayed ? { reason: 'expired' as const } : {}) })
  }
  return recipients.length > 0 ? { recipients } : undefined
}

function readDiagnostic(details: string): Omit<RawRecipient, 'recipient'> {
  const flat = details.replace(/\s+/g, ' ').trim()
  const remote = REJECTED_BY.exec(flat)
  const replyAt = flat.indexOf(REMOTE_REPLY)
  // The error that the other server returned was: 554 554 5.7.0 Header error (state 18).
  const reply = replyAt === -1 ? undefined : flat.slice(replyAt + REMOTE_REPLY.length).trim()
  const state = /\(state (\d+)\)\.?$/.exec(reply ?? '')
  const isGivenUp = GAVE_UP.some((phrase) => flat.includes(phrase))
  const status = findStatus(reply ?? '')
  const stageReason = state && (status === '' || status.endsWith('.0')) ? STATE_REASONS[state[1]] : undefined
  const reason = isGivenUp ? 'expired' : stageReason
  return {
    diagnosticCode: reply ?? flat.replace(/^Technical details of (?:permanent|temporary) failure:\s*/, ''),
    command: state ? STATE_COMMANDS[state[1]] : undefined,
    remoteMta: remote ? remote[1] : undefined,
    ...(reason ? { reason } : {}),
  }
}

function readNewLayout(mail: ParsedMail): SourceResult | undefined {
  const report = factsOf(mail).report
  if (report.recipients.length === 0) return undefined
  const text = mail.text
  const responseMatch = NEW_RESPONSE.exec(text)
  // The response was:
  //
  // DNS Error: 80335577 DNS type 'mx' lookup of example.jp responded with code NXDOMAIN
  const response = responseMatch ? text.slice(responseMatch.index + responseMatch[0].length).replace(/\s+/g, ' ').trim() : undefined
  const headlineAt = text.search(NEW_HEADLINE)
  // ** Address not found **
  //
  // Your message wasn't delivered to kijitora@example.it because the address couldn't be found. …
  const explanation = headlineAt === -1 ? undefined
    : text.slice(headlineAt, responseMatch?.index ?? text.length).replace(/\s+/g, ' ').trim()
  return {
    recipients: report.recipients.map((fields) => {
      const raw = rawFromDsn(fields, report)
      const diagnosticCode = raw.diagnosticCode ?? (report.recipients.length === 1 ? response ?? explanation : undefined)
      const isGivenUp = GAVE_UP.some((phrase) => (diagnosticCode ?? '').includes(phrase))
      // Remote-MTA: dns; lsean.ezweb.ne.jp. (27.85.176.228, the server for the domain ezweb.ne.jp.)
      const remoteMta = raw.remoteMta?.split(/[\s(]/)[0].replace(/\.$/, '')
      return { ...raw, diagnosticCode, remoteMta, ...(isGivenUp ? { reason: 'expired' as const } : {}) }
    }),
  }
}
