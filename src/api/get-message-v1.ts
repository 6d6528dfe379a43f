// GET /v1/messages/:id: each recipient's state, attempts and last reply.
import type { FastifyInstance } from 'fastify'
import type { ApiKeyStore, Attempt, MessageStore, MessageView, RecipientView } from '../store/index.ts'
import { ApiError } from './api-error.ts'
import { authenticate, requireApiKey } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'
import { getMessageV1Params, getMessageV1Response, type GetMessageV1Response } from './schemas/get-message-v1.ts'

export const getMessageV1Schema = {
  summary: 'A message and where each recipient stands',
  description: 'Each recipient\'s state (queued, leased, delivered, deferred, failed, expired), its attempts with the receiving server\'s reply and the classifier\'s verdict, and the last reply.',
  params: getMessageV1Params,
  response: { 200: getMessageV1Response, '4xx': errorV1 },
} as const

export function registerGetMessageV1(app: FastifyInstance, deps: { store: ApiKeyStore & MessageStore }): void {
  app.get<{ Params: { id: string } }>('/v1/messages/:id', {
    schema: getMessageV1Schema,
    onRequest: async (request) => {
      request.apiKey = await authenticate(request, deps.store, 'messages:read')
    },
  }, async (request) => {
    const key = requireApiKey(request)
    const message = await deps.store.getMessage(request.params.id)
    // another tenant's message is as absent as one that never was: no probing for ids
    if (message === undefined || message.tenantId !== key.tenantId) {
      throw new ApiError(404, 'not_found', `no message ${JSON.stringify(request.params.id)} in this account: expected an id from POST /v1/messages`)
    }
    return toResponse(message)
  })
}

function toResponse(message: MessageView): GetMessageV1Response {
  return {
    id: message.id,
    createdAt: iso(message.createdAtMs),
    mailFrom: message.mailFrom,
    sendingDomain: message.sendingDomain,
    ...(message.pool === undefined ? {} : { pool: message.pool }),
    tags: [...message.tags],
    metadata: { ...message.metadata },
    sizeBytes: message.sizeBytes,
    recipients: message.recipients.map(toRecipient),
  }
}

function toRecipient(recipient: RecipientView): GetMessageV1Response['recipients'][number] {
  const isWaiting = recipient.state === 'queued' || recipient.state === 'deferred'
  return {
    id: recipient.id,
    address: recipient.address,
    state: recipient.state,
    attemptCount: recipient.attemptCount,
    ...(isWaiting ? { nextAttemptAt: iso(recipient.nextAttemptAtMs) } : {}),
    ...(recipient.lastReply === undefined ? {} : {
      lastReply: { at: iso(recipient.lastReply.atMs), replyCode: recipient.lastReply.replyCode, enhancedStatus: recipient.lastReply.enhancedStatus, text: recipient.lastReply.text },
    }),
    attempts: recipient.attempts.map(toAttempt),
  }
}

function toAttempt(attempt: Attempt): GetMessageV1Response['recipients'][number]['attempts'][number] {
  const { atMs, outcome, transcript: _transcript, ...details } = attempt
  return { at: iso(atMs), outcome, ...details, ...(attempt.verdict === undefined ? {} : { verdict: { ...attempt.verdict } }) }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString()
}
