// POST /v1/lint: the content preflight on a message, without queueing it — for use before a
// campaign. The body is either the raw message (Content-Type: message/rfc822) or the JSON the
// messages endpoint takes (a structured message, or raw base64), composed the same way.
import type { FastifyInstance } from 'fastify'
import { createPreflight, type Preflight } from '../content/index.ts'
import { createId, systemClock, systemRandom, type Clock } from '../core/index.ts'
import { checkStructuredMessage, composeMessage, prepareRawMessage, type StructuredMessage } from '../injection/index.ts'
import type { ApiKeyStore } from '../store/index.ts'
import { ApiError } from './api-error.ts'
import { authenticate } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'
import { findingV1, toFindingV1, type FindingV1 } from './schemas/finding-v1.ts'
import type { PostMessagesV1Body } from './schemas/post-messages-v1.ts'

export const postLintV1Response = {
  type: 'object',
  properties: {
    ok: { type: 'boolean', description: 'no finding of severity error' },
    findings: { type: 'array', items: findingV1, description: 'errors first' },
  },
  required: ['ok', 'findings'],
} as const

export interface PostLintV1Response {
  ok: boolean
  findings: FindingV1[]
}

export const postLintV1Schema = {
  summary: 'Lint a message (content preflight)',
  description: 'Runs the content preflight (RFC 5322/MIME conformance, size, unsubscribe, 特定電子メール法 display items, misleading wording and phishing signs, attachments, HTML; SpamAssassin and ClamAV when configured) and answers the findings. Nothing is queued. ' +
    'Send the raw message as Content-Type: message/rfc822, or the JSON body of POST /v1/messages. ?lang=ja answers in Japanese. Needs the scope messages:send.',
  querystring: { type: 'object', properties: { lang: { enum: ['en', 'ja'] } }, additionalProperties: false },
  response: { 200: postLintV1Response, '4xx': errorV1 },
} as const

/** Content types read as the raw message (RFC 5322; message/global is RFC 6532's UTF-8 form); anything else must be JSON. */
export const RAW_MESSAGE_CONTENT_TYPES: readonly string[] = ['message/rfc822', 'message/global', 'text/plain']

export function registerPostLintV1(app: FastifyInstance, deps: { store: ApiKeyStore; preflight?: Preflight; clock?: Clock; injector: { limits: { maxMessageBytes: number } } }): void {
  const preflight = deps.preflight ?? createPreflight()
  const clock = deps.clock ?? systemClock
  app.register(async (scope) => {
    // raw messages as bytes, in this route's scope only
    scope.addContentTypeParser([...RAW_MESSAGE_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: deps.injector.limits.maxMessageBytes }, (_request, body, done) => done(null, body))
    scope.post<{ Body: Buffer | PostMessagesV1Body; Querystring: { lang?: 'en' | 'ja' } }>('/v1/lint', {
      schema: postLintV1Schema,
      onRequest: async (request) => {
        request.apiKey = await authenticate(request, deps.store, 'messages:send')
      },
    }, async (request, reply) => {
      const body = request.body
      const message = Buffer.isBuffer(body) ? body : await toMessageBytes(body, clock)
      const result = await preflight.check(message, {
        lang: request.query.lang ?? 'en',
        ...(Buffer.isBuffer(body) || body.bulk === undefined ? {} : { bulk: body.bulk }),
        ...(Buffer.isBuffer(body) || body.advertising === undefined ? {} : { advertising: body.advertising }),
      })
      const answer: PostLintV1Response = { ok: !result.findings.some((finding) => finding.severity === 'error'), findings: result.findings.map(toFindingV1) }
      return reply.code(200).send(answer)
    })
  })
}

/** The JSON body as the message bytes injection would queue: raw decoded and completed, structured composed. */
async function toMessageBytes(body: PostMessagesV1Body, clock: Clock): Promise<Uint8Array> {
  if (typeof body !== 'object' || body === null) throw new ApiError(400, 'invalid_request', 'the body is neither a raw message nor JSON: expected Content-Type: message/rfc822 or the JSON of POST /v1/messages')
  const messageId = (domain: string) => `<${createId(clock, systemRandom).toLowerCase()}@${domain}>`
  if (body.raw !== undefined) {
    const prepared = prepareRawMessage(Buffer.from(body.raw, 'base64'), { nowMs: clock.now(), createMessageId: messageId })
    if (!prepared.ok) throw new ApiError(400, 'invalid_message', `the raw message cannot be read: ${prepared.errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`, { fields: prepared.errors })
    return prepared.content
  }
  const { raw: _raw, envelope: _envelope, tags: _tags, metadata: _metadata, pool: _pool, sendAt: _sendAt, bulk: _bulk, advertising: _advertising, from, ...rest } = body
  const checked = checkStructuredMessage({ ...rest, from: from ?? '' } as StructuredMessage)
  if (!checked.ok) throw new ApiError(400, 'invalid_message', `the message is not valid: ${checked.errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`, { fields: checked.errors })
  return composeMessage(checked.message, { nowMs: clock.now(), messageId: messageId(checked.message.from.domain), boundary: createId(clock, systemRandom).toLowerCase() })
}
