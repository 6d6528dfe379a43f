// SMTP submission (RFC 6409) on smtp-server: STARTTLS, AUTH with API keys, the same checks and
// the same queue as the HTTP API. smtp-server runs the protocol; todoku decides in its hooks.
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server'
import { TodokuError, type Clock } from '../core/index.ts'
import { parseAddress, type InjectResult, type Injector } from '../injection/index.ts'
import { hashApiKeyToken, type ApiKey, type ApiKeyStore } from '../store/index.ts'

/** The structured log submission writes to (the shape of src/log's Log). */
export type SubmissionLog = (level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void

export interface SubmissionDeps {
  readonly injector: Injector
  readonly store: ApiKeyStore
  readonly log: SubmissionLog
  /** accepted for the composition root's uniform wiring; submission reads no time of its own */
  readonly clock?: Clock
}

export interface SubmissionOptions {
  /** address to listen on; AUTH without TLS is allowed only on a loopback address */
  readonly host: string
  /** 0: any free port */
  readonly port: number
  /** offered with STARTTLS, and then required before AUTH: PEM contents or file paths */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer } | { readonly keyFile: string; readonly certFile: string }
  /** announced as SIZE; default: the injector's limit */
  readonly maxMessageBytes?: number
  /** the name in the greeting and EHLO reply; default 'todoku' */
  readonly serverName?: string
  /** submission always requires AUTH; present for explicitness */
  readonly requireAuth?: true
}

export interface RunningSubmission {
  readonly port: number
  close(): Promise<void>
}

/** Threat: one connection holding thousands of RCPT slots; the injector's limit applies too. */
const MAX_CLIENTS = 1000
/** Longest reply text we send; the field errors are joined into one line. */
const MAX_REPLY_TEXT_LENGTH = 400

const SUBMISSION_ERRORS = {
  /** TLS is not configured and the server listens beyond loopback, where AUTH would go in clear */
  TLS_REQUIRED: 'SUBMISSION_TLS_REQUIRED',
} as const

interface SessionUser {
  readonly apiKeyId: string
  readonly tenantId: string
  readonly name: string
}

/** Listen for submission; resolves once listening. */
export async function startSubmission(deps: SubmissionDeps, options: SubmissionOptions): Promise<RunningSubmission> {
  const tls = options.tls === undefined ? undefined : 'keyFile' in options.tls
    ? { key: readFileSync(options.tls.keyFile), cert: readFileSync(options.tls.certFile) }
    : { key: options.tls.key, cert: options.tls.cert }
  const isLoopback = isLoopbackHost(options.host)
  if (tls === undefined && !isLoopback) {
    throw new TodokuError(SUBMISSION_ERRORS.TLS_REQUIRED, `starting SMTP submission on ${options.host}:${options.port}: no TLS certificate, and AUTH must not travel in clear beyond loopback: expected a certificate and key (submission.tls), or a loopback host`)
  }
  const maxMessageBytes = options.maxMessageBytes ?? deps.injector.limits.maxMessageBytes
  const maxRecipients = deps.injector.limits.maxRecipients

  const server = new SMTPServer({
    name: options.serverName ?? 'todoku',
    banner: 'todoku ESMTP submission',
    logger: false,
    ...(tls ?? {}),
    disabledCommands: tls === undefined ? ['STARTTLS'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    // with a certificate, AUTH only after STARTTLS; without one (loopback only, checked above) in clear
    allowInsecureAuth: tls === undefined,
    size: maxMessageBytes,
    // todoku checks addresses itself: Japanese carriers' legacy local parts ("taro..yamada.")
    // fail smtp-server's strict parser, and our checks say what was expected
    lenientAddressParsing: true,
    disableReverseLookup: true,
    maxClients: MAX_CLIENTS,

    onAuth(auth, session, callback) {
      const token = auth.password ?? ''
      deps.store.findApiKeyByTokenHash(hashApiKeyToken(token)).then((key) => {
        if (key === undefined) return callback(smtpError(535, '5.7.8 Authentication failed: the password must be an active todoku API key (tdk_…)'))
        if (!key.scopes.includes('messages:send')) return callback(smtpError(535, `5.7.8 Authentication failed: the API key "${key.name}" lacks the scope messages:send`))
        callback(null, { user: toSessionUser(key) })
      }, (error: unknown) => {
        deps.log('error', 'submission.auth_failed', { error: String(error), user: auth.username })
        callback(smtpError(454, '4.7.0 Temporary authentication failure, try again later'))
      })
    },

    onMailFrom(address, _session, callback) {
      if (address.address === '') return callback(smtpError(553, '5.1.7 A null sender <> can\'t submit mail: expected the sender\'s address'))
      const parsed = parseAddress(address.address)
      if (!parsed.ok) return callback(smtpError(553, `5.1.7 ${clip(parsed.error)}`))
      callback()
    },

    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= maxRecipients) {
        return callback(smtpError(452, `4.5.3 Too many recipients: at most ${maxRecipients} per message, send the rest in another transaction`))
      }
      const parsed = parseAddress(address.address)
      if (!parsed.ok) return callback(smtpError(553, `5.1.3 ${clip(parsed.error)}`))
      callback()
    },

    onData(stream, session, callback) {
      collect(stream).then(async (raw) => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 The message is over ${maxMessageBytes} bytes, the limit announced in SIZE`))
        const user = session.user as unknown as SessionUser
        const result = await deps.injector.inject({
          tenantId: user.tenantId,
          raw,
          envelope: { mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, recipients: session.envelope.rcptTo.map((r) => r.address) },
        })
        if (result.ok) return callback(null, `2.0.0 Queued as ${result.messageId}`)
        callback(toSmtpRefusal(result))
      }).catch((error: unknown) => {
        deps.log('error', 'submission.queue_failed', { error: error instanceof Error ? { message: error.message, code: (error as { code?: unknown }).code } : String(error), sessionId: session.id })
        callback(smtpError(451, '4.3.0 The message could not be stored, try again later'))
      })
    },
  })
  server.on('error', (error) => deps.log('warn', 'submission.connection_error', { error: error.message }))

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject)
      resolve()
    })
  })
  const bound = server.server.address()
  const port = typeof bound === 'object' && bound !== null ? bound.port : options.port
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

function toSessionUser(key: ApiKey): SessionUser {
  return { apiKeyId: key.id, tenantId: key.tenantId, name: key.name }
}

/** The DATA bytes; once over the limit the rest is read and dropped. */
async function collect(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    if (!stream.sizeExceeded) chunks.push(chunk as Buffer)
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

/** A refusal as the SMTP reply that means the same (RFC 3463 enhanced status). */
function toSmtpRefusal(result: Extract<InjectResult, { ok: false }>): Error {
  const text = clip(result.errors.map((error) => `${error.field}: ${error.message}`).join('; '))
  switch (result.code) {
    case 'message_too_large': return smtpError(552, `5.3.4 ${text}`)
    case 'too_many_recipients': return smtpError(452, `4.5.3 ${text}`)
    case 'sender_domain_not_configured': return smtpError(550, `5.7.1 ${text}`)
    case 'invalid_message': return smtpError(550, `5.6.0 ${text}`)
    // content policy (RFC 3463: 5.7.1 delivery not authorized, message refused; 4.7.1 try again)
    case 'content_rejected': return smtpError(550, `5.7.1 Message content rejected: ${text}`)
    case 'content_check_unavailable': return smtpError(451, `4.7.1 Message content could not be checked, try again later: ${text}`)
  }
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode })
}

function clip(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ')
  return oneLine.length > MAX_REPLY_TEXT_LENGTH ? `${oneLine.slice(0, MAX_REPLY_TEXT_LENGTH)}…` : oneLine
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

