// GET /v1/queue: recipients by state over the whole queue, for operators and monitoring
// ("is the queue drained?"). Counts span every tenant, so the route has its own scope.
import type { FastifyInstance } from 'fastify'
import type { ApiKeyStore, QueueStore } from '../store/index.ts'
import { authenticate } from './auth.ts'
import { errorV1 } from './schemas/error-v1.ts'

const count = { type: 'integer', minimum: 0 } as const

export const getQueueV1Response = {
  type: 'object',
  description: 'recipients in each state, over every tenant',
  properties: { queued: count, leased: count, delivered: count, deferred: count, failed: count, expired: count },
  required: ['queued', 'leased', 'delivered', 'deferred', 'failed', 'expired'],
  additionalProperties: false,
} as const

export const getQueueV1Schema = {
  summary: 'Recipients in the queue, by state',
  description: 'How many recipients are queued, leased (being delivered), deferred (waiting for a retry), and delivered, failed or expired, over every tenant. ' +
    'The queue is drained when queued, leased and deferred are 0.',
  response: { 200: getQueueV1Response, '4xx': errorV1 },
} as const

export function registerGetQueueV1(app: FastifyInstance, deps: { store: ApiKeyStore & Pick<QueueStore, 'countRecipientsByState'> }): void {
  app.get('/v1/queue', {
    schema: getQueueV1Schema,
    onRequest: async (request) => {
      request.apiKey = await authenticate(request, deps.store, 'queue:read')
    },
  }, async () => deps.store.countRecipientsByState())
}
