// GET /v1/openapi.json: the OpenAPI 3.1 document, built from the same schemas that validate requests.
import type { FastifyInstance } from 'fastify'
import { getMessageV1Schema } from './get-message-v1.ts'
import { getQueueV1Response, getQueueV1Schema } from './get-queue-v1.ts'
import { postMessagesV1Schema } from './post-messages-v1.ts'
import { errorV1 } from './schemas/error-v1.ts'
import { getMessageV1Response } from './schemas/get-message-v1.ts'
import { postMessagesV1Body, postMessagesV1Response } from './schemas/post-messages-v1.ts'

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })

/** The document, plain data: also what `todoku` tooling can print or diff. */
export function buildOpenApiV1(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'todoku', version, description: 'Deliverability-first outbound email: queue messages and see what each receiving server answered.' },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key token, tdk_…' } },
      schemas: {
        PostMessagesV1Body: postMessagesV1Body,
        PostMessagesV1Response: postMessagesV1Response,
        GetMessageV1Response: getMessageV1Response,
        GetQueueV1Response: getQueueV1Response,
        Error: errorV1,
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/messages': {
        post: {
          operationId: 'postMessagesV1',
          summary: postMessagesV1Schema.summary,
          description: postMessagesV1Schema.description + ' Needs the scope messages:send.',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: postMessagesV1Schema.headers.properties['idempotency-key'] }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PostMessagesV1Body' } } } },
          responses: {
            202: { description: 'queued: on disk, committed', content: { 'application/json': { schema: { $ref: '#/components/schemas/PostMessagesV1Response' } } } },
            400: errorResponse('the request breaks syntax: each bad field named, with what was expected'),
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks messages:send'),
            413: errorResponse('the message is over the size limit'),
            422: errorResponse('well-formed but not acceptable: the From domain is not a sending domain of this account, or too many recipients'),
          },
        },
      },
      '/v1/messages/{id}': {
        get: {
          operationId: 'getMessageV1',
          summary: getMessageV1Schema.summary,
          description: getMessageV1Schema.description + ' Needs the scope messages:read.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: getMessageV1Schema.params.properties.id }],
          responses: {
            200: { description: 'the message', content: { 'application/json': { schema: { $ref: '#/components/schemas/GetMessageV1Response' } } } },
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks messages:read'),
            404: errorResponse('no such message in this account'),
          },
        },
      },
      '/v1/queue': {
        get: {
          operationId: 'getQueueV1',
          summary: getQueueV1Schema.summary,
          description: getQueueV1Schema.description + ' Needs the scope queue:read.',
          responses: {
            200: { description: 'the counts', content: { 'application/json': { schema: { $ref: '#/components/schemas/GetQueueV1Response' } } } },
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks queue:read'),
          },
        },
      },
      '/v1/openapi.json': {
        get: { operationId: 'getOpenApiV1', summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } },
      },
    },
  }
}

export function registerOpenApiV1(app: FastifyInstance, version: string): void {
  const document = JSON.stringify(buildOpenApiV1(version))
  app.get('/v1/openapi.json', async (_request, reply) => reply.type('application/json').send(document))
}
