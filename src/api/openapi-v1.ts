// GET /v1/openapi.json: the OpenAPI 3.1 document, built from the same schemas that validate requests.
import type { FastifyInstance } from 'fastify'
import { REPORT_CONTENT_TYPES } from '../reports/index.ts'
import { getDmarcReportV1Response, getDmarcReportV1Schema } from './get-dmarc-report-v1.ts'
import { getDomainCheckV1Response, getDomainCheckV1Schema } from './get-domain-check-v1.ts'
import { getMessageV1Schema } from './get-message-v1.ts'
import { getQueueV1Response, getQueueV1Schema } from './get-queue-v1.ts'
import { postLintV1Response, postLintV1Schema, RAW_MESSAGE_CONTENT_TYPES } from './post-lint-v1.ts'
import { postMessagesV1Schema } from './post-messages-v1.ts'
import { postReportsV1Response, postReportsV1Schema } from './post-reports-v1.ts'
import { errorV1 } from './schemas/error-v1.ts'
import { getMessageV1Response } from './schemas/get-message-v1.ts'
import { postMessagesV1Body, postMessagesV1Response } from './schemas/post-messages-v1.ts'

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })
const jsonResponse = (description: string, name: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } })
/** A body read as bytes, not JSON (OpenAPI 3.1: a string schema with its media type). */
const rawBody = (types: readonly string[]) => Object.fromEntries(types.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]))

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
        PostLintV1Response: postLintV1Response,
        GetDomainCheckV1Response: getDomainCheckV1Response,
        GetDmarcReportV1Response: getDmarcReportV1Response,
        PostReportsV1Response: postReportsV1Response,
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
            415: errorResponse('the body is not JSON: expected Content-Type: application/json'),
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
      '/v1/lint': {
        post: {
          operationId: 'postLintV1',
          summary: postLintV1Schema.summary,
          description: postLintV1Schema.description,
          parameters: [{ name: 'lang', in: 'query', required: false, description: 'language of the findings; default en', schema: postLintV1Schema.querystring.properties.lang }],
          requestBody: {
            required: true,
            description: 'the JSON of POST /v1/messages (composed as it would be queued), or the raw message',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PostMessagesV1Body' } }, ...rawBody(RAW_MESSAGE_CONTENT_TYPES) },
          },
          responses: {
            200: jsonResponse('the findings; ok is false when one is an error. Nothing is queued', 'PostLintV1Response'),
            400: errorResponse('the body is not JSON, or the message cannot be read or composed (each bad field named), or lang is not en or ja'),
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks messages:send'),
            413: errorResponse('the message is over the size limit'),
            415: errorResponse('the Content-Type is neither JSON nor a raw message type'),
          },
        },
      },
      '/v1/domains/{domain}/check': {
        get: {
          operationId: 'getDomainCheckV1',
          summary: getDomainCheckV1Schema.summary,
          description: getDomainCheckV1Schema.description,
          parameters: [{ name: 'domain', in: 'path', required: true, description: 'a sending domain of the key\'s account', schema: getDomainCheckV1Schema.params.properties.domain }],
          responses: {
            200: jsonResponse('the report, also when checks fail: its status says so', 'GetDomainCheckV1Response'),
            400: errorResponse('the domain is shorter than 3 or longer than 253 characters'),
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks domains:read'),
            404: errorResponse('not a sending domain of this account, or this todoku runs no domain checks'),
          },
        },
      },
      '/v1/dmarc/report': {
        get: {
          operationId: 'getDmarcReportV1',
          summary: getDmarcReportV1Schema.summary,
          description: getDmarcReportV1Schema.description,
          parameters: Object.entries(getDmarcReportV1Schema.querystring.properties).map(([name, schema]) => ({ name, in: 'query', required: false, description: schema.description, schema })),
          responses: {
            200: jsonResponse('the analysis', 'GetDmarcReportV1Response'),
            400: errorResponse('since is not a duration like 7d or 24h, or a query parameter is unknown or out of range'),
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks reports:read'),
          },
        },
      },
      '/v1/reports': {
        post: {
          operationId: 'postReportsV1',
          summary: postReportsV1Schema.summary,
          description: postReportsV1Schema.description,
          requestBody: { required: true, description: 'the report as received: XML, JSON, zip, gzip or the whole report email', content: rawBody(REPORT_CONTENT_TYPES) },
          responses: {
            200: jsonResponse('stored before (same reporting organization and report id): nothing was written', 'PostReportsV1Response'),
            201: jsonResponse('stored', 'PostReportsV1Response'),
            400: errorResponse('the body is empty'),
            401: errorResponse('no API key, or an unknown or revoked one'),
            403: errorResponse('the API key lacks reports:write'),
            413: errorResponse('the body is over the report size limit'),
            422: errorResponse('not a report todoku reads: an unrecognized Content-Type, or a report that breaks its format (refused whole, nothing stored)'),
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
