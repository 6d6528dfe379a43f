// Injection: a request (structured or raw) checked, composed and queued in one transaction.
// The flow reads as the policy: each step answers a refusal or carries on.
import { actionFor, applyPolicy, LINT_THREAD_ERRORS, type Finding, type Preflight, type PreflightPolicy, type PreflightResult } from '../content/index.ts'
import { createId, TodokuError, type Clock, type Random } from '../core/index.ts'
import type { DomainStore, MessageStore } from '../store/index.ts'
import { parseAddress, type Address } from './address.ts'
import { checkStructuredMessage, composeMessage } from './compose-message.ts'
import {
  DEFAULT_INJECT_LIMITS,
  type FieldError, type InjectErrorCode, type InjectLimits, type InjectRequest, type InjectResult,
} from './inject-request.ts'
import { prepareRawMessage } from './raw-message.ts'

/** Threat: tags used as a free-form store, bloating every event row that copies them. */
export const MAX_TAGS = 20
export const MAX_TAG_LENGTH = 64
/** Threat: metadata as a side channel for megabytes per message. */
export const MAX_METADATA_KEYS = 50
export const MAX_METADATA_KEY_LENGTH = 64
export const MAX_METADATA_VALUE_LENGTH = 1024
/** An Idempotency-Key is an opaque client token (a UUID is 36); longer is abuse. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255
/** Scheduled sending reaches at most this far ahead: past it, the queue is a calendar. */
export const MAX_SEND_AHEAD_MS = 30 * 24 * 3600 * 1000

/**
 * Longest a composed message waits for others still composing, so that they reach the store
 * in one turn of the event loop and share one commit (one fsync) instead of one each.
 */
export const MAX_COMMIT_HOLD_MS = 2

export interface InjectorDeps {
  readonly store: MessageStore & DomainStore
  readonly clock: Clock
  readonly random: Random
  readonly limits?: Partial<InjectLimits>
  /** called after a new message is committed: the composition root wires the dispatcher's kick() */
  readonly onQueued?: () => void
  /** the content preflight, run on every new message before it is stored; absent: none */
  readonly preflight?: Preflight
  /** the account's action per check id or group (off | warn | reject); default: warn on everything */
  readonly preflightPolicy?: PreflightPolicy | ((tenantId: string) => PreflightPolicy)
}

/** Metadata key under which the preflight's warnings are stored with the message (JSON: [{ id, severity, message }]). */
export const PREFLIGHT_METADATA_KEY = 'todoku.preflight'
/** Longest stored warning list; the rest are dropped. Threat: a message with hundreds of findings bloating its row. */
export const MAX_PREFLIGHT_METADATA_CHARS = 4096
/** The check id a scanner's verdict carries: a scanner that cannot be asked fails temporary when the account rejects on it. */
const SCANNER_CHECK_IDS: Readonly<Record<string, string>> = { spamassassin: 'scanner.spam', clamav: 'scanner.virus' }
const WARN_ON_EVERYTHING: PreflightPolicy = { default: 'warn' }

export interface Injector {
  /** Check, compose and queue; resolves after the durable commit. Refusals are values; store failures throw. */
  inject(request: InjectRequest): Promise<InjectResult>
  readonly limits: InjectLimits
}

export function createInjector(deps: InjectorDeps): Injector {
  const limits: InjectLimits = { ...DEFAULT_INJECT_LIMITS, ...deps.limits }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`creating the injector: limits.${key} is ${value}, expected a positive integer`)
  }
  const { store, clock, random } = deps

  // Messages composing now: composing is asynchronous (MimeNode streams), so concurrent
  // requests finish it in different turns; held ones are released together.
  let composingCount = 0
  let held: (() => void)[] = []
  let holdTimer: ReturnType<typeof setTimeout> | undefined

  function releaseHeld(): void {
    if (holdTimer !== undefined) clearTimeout(holdTimer)
    holdTimer = undefined
    const waiting = held
    held = []
    for (const resolve of waiting) resolve()
  }

  function joinCommitGroup(): Promise<void> | undefined {
    if (composingCount === 0) {
      releaseHeld()
      return undefined
    }
    holdTimer ??= setTimeout(releaseHeld, MAX_COMMIT_HOLD_MS)
    return new Promise((resolve) => held.push(resolve))
  }

  function createMessageId(domain: string): string {
    return `<${createId(clock, random).toLowerCase()}@${domain}>`
  }

  async function inject(request: InjectRequest): Promise<InjectResult> {
    const errors: FieldError[] = []
    checkOptions(request, clock.now(), errors)
    if ((request.message === undefined) === (request.raw === undefined)) {
      errors.push({ field: 'message', message: 'expected either a structured message (from, to, subject, text…) or raw with an envelope, not both or neither' })
    }
    if (errors.length > 0) return refuse(400, 'invalid_message', errors)
    if (request.raw !== undefined && request.raw.byteLength > limits.maxMessageBytes) return tooLarge('raw', request.raw.byteLength)

    if (request.message !== undefined) {
      const checked = checkStructuredMessage(request.message)
      if (!checked.ok) return refuse(400, 'invalid_message', checked.errors)
      const { from, to, cc, bcc } = checked.message
      const envelope = checkEnvelope(request, from, [...to, ...cc, ...bcc], limits)
      if (!envelope.ok) return envelope.refusal
      // composing costs more than the lookup: only for a sender domain that is ours
      const refusal = await checkSendingDomain(store, request.tenantId, from.domain, 'from')
      if (refusal !== undefined) return refusal
      composingCount++
      let content: Buffer
      try {
        content = await composeMessage(checked.message, {
          nowMs: clock.now(),
          messageId: createMessageId(from.domain),
          boundary: createId(clock, random).toLowerCase(),
        })
      } finally {
        composingCount--
      }
      if (content.byteLength > limits.maxMessageBytes) {
        joinCommitGroup()
        return tooLarge('message', content.byteLength)
      }
      const preflighted = await runPreflight(request, content)
      if (!preflighted.ok) {
        joinCommitGroup()
        return preflighted.refusal
      }
      await joinCommitGroup()
      return queue(request, envelope.value, from.domain, content, preflighted.findings)
    }

    const prepared = prepareRawMessage(request.raw as Uint8Array, { nowMs: clock.now(), createMessageId })
    if (!prepared.ok) return refuse(400, 'invalid_message', prepared.errors)
    if (request.envelope === undefined) {
      return refuse(400, 'invalid_message', [{ field: 'envelope', message: 'missing: a raw message needs { mailFrom, recipients }' }])
    }
    const envelope = checkEnvelope(request, prepared.from, [], limits)
    if (!envelope.ok) return envelope.refusal
    const refusal = await checkSendingDomain(store, request.tenantId, prepared.from.domain, 'raw.headers.From')
    if (refusal !== undefined) return refusal
    if (prepared.content.byteLength > limits.maxMessageBytes) return tooLarge('raw', prepared.content.byteLength)
    const preflighted = await runPreflight(request, prepared.content)
    if (!preflighted.ok) return preflighted.refusal
    return queue(request, envelope.value, prepared.from.domain, prepared.content, preflighted.findings)
  }

  /** The preflight under the account's policy: warnings to store and answer, or a refusal. */
  async function runPreflight(request: InjectRequest, content: Uint8Array): Promise<{ ok: true; findings: readonly Finding[] } | { ok: false; refusal: InjectResult }> {
    if (deps.preflight === undefined) return { ok: true, findings: [] }
    const policy = typeof deps.preflightPolicy === 'function' ? deps.preflightPolicy(request.tenantId) : deps.preflightPolicy ?? WARN_ON_EVERYTHING
    let result: PreflightResult
    try {
      result = await deps.preflight.check(content, {
        ...(request.bulk === undefined ? {} : { bulk: request.bulk }),
        ...(request.advertising === undefined ? {} : { advertising: request.advertising }),
      })
    } catch (error) {
      // the checks could not run (a lint thread ended): the client may try again; nothing is stored
      if (!(error instanceof TodokuError) || !Object.values(LINT_THREAD_ERRORS).includes(error.code as never)) throw error
      return { ok: false, refusal: { ok: false, status: 503, code: 'content_check_unavailable', errors: [{ field: 'content', message: error.message }] } }
    }
    const decision = applyPolicy(result.findings, policy)
    if (decision.rejecting.length > 0) {
      const others = decision.findings.filter((finding) => !decision.rejecting.includes(finding))
      const errors = decision.rejecting.map((finding) => ({ field: `content.${finding.id}`, message: finding.message }))
      return { ok: false, refusal: { ok: false, status: 422, code: 'content_rejected', errors, findings: [...decision.rejecting, ...others] } }
    }
    const unasked = result.unavailable.filter((failure) => actionFor(policy, SCANNER_CHECK_IDS[failure.scanner] ?? `scanner.${failure.scanner}`) === 'reject')
    if (unasked.length > 0) {
      const errors = unasked.map((failure) => ({ field: `content.${SCANNER_CHECK_IDS[failure.scanner] ?? failure.scanner}`, message: failure.message }))
      return { ok: false, refusal: { ok: false, status: 503, code: 'content_check_unavailable', errors } }
    }
    return { ok: true, findings: decision.findings }
  }

  async function queue(request: InjectRequest, envelope: CheckedEnvelope, sendingDomain: string, content: Uint8Array, findings: readonly Finding[]): Promise<InjectResult> {
    const metadata = findings.length === 0 ? request.metadata : { ...request.metadata, [PREFLIGHT_METADATA_KEY]: encodeFindings(findings) }
    const inserted = await store.insertMessage({
      tenantId: request.tenantId,
      mailFrom: envelope.mailFrom,
      sendingDomain,
      recipients: envelope.recipients.map((address) => ({ address: address.text, domain: address.domain })),
      content,
      ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
      ...(request.pool === undefined ? {} : { pool: request.pool }),
      ...(request.tags === undefined ? {} : { tags: request.tags }),
      ...(metadata === undefined ? {} : { metadata }),
      ...(request.sendAtMs === undefined ? {} : { sendAtMs: request.sendAtMs }),
    })
    if (!inserted.isReplay) deps.onQueued?.()
    return { ok: true, messageId: inserted.messageId, recipients: inserted.recipients, isReplay: inserted.isReplay, ...(findings.length === 0 ? {} : { findings }) }
  }

  function tooLarge(field: string, bytes: number): InjectResult {
    return refuse(413, 'message_too_large', [{ field, message: `the message is ${bytes} bytes: expected at most ${limits.maxMessageBytes}` }])
  }

  return { inject, limits }
}

interface CheckedEnvelope {
  readonly mailFrom: string
  readonly recipients: readonly Address[]
}

type EnvelopeCheck = { readonly ok: true; readonly value: CheckedEnvelope } | { readonly ok: false; readonly refusal: InjectResult }

/** The envelope: given, or From and to/cc/bcc; every address checked, duplicates dropped. */
function checkEnvelope(request: InjectRequest, from: Address, headerRecipients: readonly Address[], limits: InjectLimits): EnvelopeCheck {
  const errors: FieldError[] = []
  let mailFrom = from.text
  let recipients: Address[] = []
  const envelope = request.envelope
  const field = envelope === undefined ? 'to' : 'envelope.recipients'
  if (envelope !== undefined) {
    if (typeof envelope !== 'object' || envelope === null || typeof envelope.mailFrom !== 'string' || !Array.isArray(envelope.recipients)) {
      return invalid([{ field: 'envelope', message: 'expected { mailFrom: string, recipients: string[] }' }])
    }
    if (envelope.recipients.length > limits.maxRecipients) return tooMany(field, envelope.recipients.length, limits)
    if (envelope.mailFrom === '') mailFrom = ''
    else {
      const parsed = parseAddress(envelope.mailFrom)
      if (parsed.ok) mailFrom = parsed.address.text
      else errors.push({ field: 'envelope.mailFrom', message: parsed.error })
    }
    envelope.recipients.forEach((text, index) => {
      const parsed = parseAddress(text)
      if (parsed.ok) recipients.push(parsed.address)
      else errors.push({ field: `envelope.recipients[${index}]`, message: parsed.error })
    })
  } else {
    recipients = [...headerRecipients]
  }
  if (errors.length > 0) return invalid(errors)
  const unique = dedupe(recipients)
  if (unique.length === 0) return invalid([{ field, message: 'no recipients: expected at least one address in to, cc or bcc' }])
  if (unique.length > limits.maxRecipients) return tooMany(field, unique.length, limits)
  return { ok: true, value: { mailFrom, recipients: unique } }
}

function invalid(errors: readonly FieldError[]): EnvelopeCheck {
  return { ok: false, refusal: refuse(400, 'invalid_message', errors) }
}

function tooMany(field: string, count: number, limits: InjectLimits): EnvelopeCheck {
  return { ok: false, refusal: refuse(422, 'too_many_recipients', [{ field, message: `${count} recipients: expected at most ${limits.maxRecipients} per message` }]) }
}

/** One recipient per mailbox: local parts compare exactly (RFC 5321 §2.4), domains without case. */
function dedupe(addresses: readonly Address[]): Address[] {
  const seen = new Set<string>()
  const unique: Address[] = []
  for (const address of addresses) {
    if (seen.has(address.text)) continue
    seen.add(address.text)
    unique.push(address)
  }
  return unique
}

async function checkSendingDomain(store: DomainStore, tenantId: string, domain: string, field: string): Promise<InjectResult | undefined> {
  const configured = await store.getDomain(domain)
  if (configured !== undefined && configured.tenantId === tenantId) return undefined
  return refuse(422, 'sender_domain_not_configured', [{
    field,
    message: `${domain} is not a sending domain of this account: expected a From address at a domain added with \`todoku domain add\``,
  }])
}

function checkOptions(request: InjectRequest, nowMs: number, errors: FieldError[]): void {
  if (typeof request.tenantId !== 'string' || request.tenantId === '') errors.push({ field: 'tenantId', message: 'expected the account\'s id' })
  const key = request.idempotencyKey
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key))) {
    errors.push({ field: 'idempotencyKey', message: `expected 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters` })
  }
  if (request.tags !== undefined) {
    if (!Array.isArray(request.tags) || request.tags.length > MAX_TAGS) errors.push({ field: 'tags', message: `expected at most ${MAX_TAGS} strings` })
    else {
      request.tags.forEach((tag, index) => {
        if (typeof tag !== 'string' || tag === '' || tag.length > MAX_TAG_LENGTH || /[\u0000-\u001f\u007f]/.test(tag)) {
          errors.push({ field: `tags[${index}]`, message: `expected 1 to ${MAX_TAG_LENGTH} characters without control characters` })
        }
      })
    }
  }
  if (request.metadata !== undefined) {
    const entries = typeof request.metadata === 'object' && request.metadata !== null ? Object.entries(request.metadata) : undefined
    if (entries === undefined || entries.length > MAX_METADATA_KEYS) errors.push({ field: 'metadata', message: `expected an object of at most ${MAX_METADATA_KEYS} string values` })
    else {
      for (const [name, value] of entries) {
        if (name.length > MAX_METADATA_KEY_LENGTH || typeof value !== 'string' || value.length > MAX_METADATA_VALUE_LENGTH) {
          errors.push({ field: `metadata.${name.slice(0, MAX_METADATA_KEY_LENGTH)}`, message: `expected a key of at most ${MAX_METADATA_KEY_LENGTH} characters and a string value of at most ${MAX_METADATA_VALUE_LENGTH}` })
        }
      }
    }
  }
  if (request.pool !== undefined && (typeof request.pool !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(request.pool))) {
    errors.push({ field: 'pool', message: 'expected a pool name: 1 to 64 letters, digits, ".", "_" or "-"' })
  }
  if (request.sendAtMs !== undefined && (!Number.isFinite(request.sendAtMs) || request.sendAtMs > nowMs + MAX_SEND_AHEAD_MS)) {
    errors.push({ field: 'sendAt', message: `expected a time at most ${MAX_SEND_AHEAD_MS / 86_400_000} days ahead` })
  }
}

/** The findings as stored with the message: id, severity and message, as many as fit. */
function encodeFindings(findings: readonly Finding[]): string {
  const kept = findings.map(({ id, severity, message }) => ({ id, severity, message }))
  let text = JSON.stringify(kept)
  while (text.length > MAX_PREFLIGHT_METADATA_CHARS && kept.length > 1) {
    kept.pop()
    text = JSON.stringify(kept)
  }
  return text.length > MAX_PREFLIGHT_METADATA_CHARS ? JSON.stringify([{ id: kept[0].id, severity: kept[0].severity, message: kept[0].message.slice(0, 1000) }]) : text
}

function refuse(status: 400 | 413 | 422, code: InjectErrorCode, errors: readonly FieldError[]): InjectResult {
  return { ok: false, status, code, errors }
}
