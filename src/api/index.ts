/**
 * api/: the HTTP API (fastify). One file per route, version in the name; schemas/ holds the
 * JSON Schemas shared by validation, the OpenAPI document and clients.
 */
export { buildApi, startApi, type ApiDeps, type ApiOptions, type RunningApi } from './build-api.ts'
export { ApiError, type ApiLog } from './api-error.ts'
export { buildOpenApiV1 } from './openapi-v1.ts'
export type { ApiScope } from './auth.ts'
export type { PostMessagesV1Body, PostMessagesV1Response } from './schemas/post-messages-v1.ts'
export type { GetMessageV1Response } from './schemas/get-message-v1.ts'
export type { ErrorV1 } from './schemas/error-v1.ts'
