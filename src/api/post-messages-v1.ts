// POST /v1/messages: queue a message. 202 only after the durable commit.
import type { FastifyInstance } from 'fastify'
import type { InjectRequest, Injector } from '../injection/index.ts'
import type { ApiKeyStore } from '../store/index.ts'
import { ApiError } from './api-error.ts'
import { authenticate, requireApiKey } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'
import { toFindingV1 } from './schemas/finding-v1.ts'
import { idempotencyKeyHeader, postMessagesV1Body, postMessagesV1Response, type PostMessagesV1Body, type PostMessagesV1Response } from './schemas/post-messages-v1.ts'

export const postMessagesV1Schema = {
  summary: 'Queue a message',
  description: 'Checks the message (addresses, sender domain, size), stores it durably and answers with per-recipient ids. ' +
    'An Idempotency-Key makes retries safe: a repeat within retention.idempotencyKeysMs (default one day) answers the first message\'s ids and stores nothing.',
  body: postMessagesV1Body,
  headers: idempotencyKeyHeader,
  response: { 202: postMessagesV1Response, '4xx': errorV1 },
} as const

export function registerPostMessagesV1(app: FastifyInstance, deps: { store: ApiKeyStore; injector: Injector }): void {
  app.post<{ Body: PostMessagesV1Body; Headers: { 'idempotency-key'?: string } }>('/v1/messages', {
    schema: postMessagesV1Schema,
    // before the body is read: an unauthenticated client sends no 25 MiB
    onRequest: async (request) => {
      request.apiKey = await authenticate(request, deps.store, 'messages:send')
    },
  }, async (request, reply) => {
    const key = requireApiKey(request)
    const body = request.body
    const idempotencyKey = request.headers['idempotency-key']
    const injectRequest: InjectRequest = {
      tenantId: key.tenantId,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(body.raw === undefined ? { message: toStructuredMessage(body) } : { raw: Buffer.from(body.raw, 'base64') }),
      ...(body.envelope === undefined ? {} : { envelope: body.envelope }),
      ...(body.tags === undefined ? {} : { tags: body.tags }),
      ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      ...(body.pool === undefined ? {} : { pool: body.pool }),
      ...(body.sendAt === undefined ? {} : { sendAtMs: Date.parse(body.sendAt) }),
      ...(body.bulk === undefined ? {} : { bulk: body.bulk }),
      ...(body.advertising === undefined ? {} : { advertising: body.advertising }),
    }
    if (body.raw !== undefined && body.from !== undefined) {
      throw new ApiError(400, 'invalid_message', 'the body has both raw and from: expected a raw message with an envelope, or a structured message', {
        fields: [{ field: 'raw', message: 'expected either raw or the structured fields (from, to, subject…), not both' }],
      })
    }
    const result = await deps.injector.inject(injectRequest)
    if (!result.ok) {
      const summary = result.errors.map((error) => `${error.field}: ${error.message}`).join('; ')
      throw new ApiError(result.status, result.code, `the message was not queued: ${summary}`, { fields: result.errors, ...(result.findings === undefined ? {} : { findings: result.findings.map(toFindingV1) }) })
    }
    if (result.isReplay) reply.header('idempotent-replayed', 'true')
    const answer: PostMessagesV1Response = {
      id: result.messageId,
      recipients: result.recipients.map(({ id, address }) => ({ id, address })),
      ...(result.findings === undefined ? {} : { findings: result.findings.map(toFindingV1) }),
    }
    return reply.code(202).send(answer)
  })
}

/** The body's message fields, as the injector takes them (the rest are request options). */
function toStructuredMessage(body: PostMessagesV1Body): NonNullable<InjectRequest['message']> {
  const { raw: _raw, envelope: _envelope, tags: _tags, metadata: _metadata, pool: _pool, sendAt: _sendAt, bulk: _bulk, advertising: _advertising, from, ...message } = body
  return { ...message, from: from ?? '' }
}
