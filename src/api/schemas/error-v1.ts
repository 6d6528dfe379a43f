// The one error shape every route answers with.
import { findingV1, type FindingV1 } from './finding-v1.ts'

export const errorV1 = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'stable: invalid_message, message_too_large, too_many_recipients, sender_domain_not_configured, unauthorized, forbidden, not_found, internal…' },
        message: { type: 'string', description: 'what went wrong and what was expected' },
        fields: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
        },
        id: { type: 'string', description: 'for a 500: the id under which the failure was logged' },
        findings: { type: 'array', items: findingV1, description: 'for content_rejected: the content preflight\'s findings, those that refused the message first' },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const

export interface ErrorV1 {
  error: { code: string; message: string; fields?: { field: string; message: string }[]; id?: string; findings?: FindingV1[] }
}
