// GET /v1/messages/:id: a message and where each of its recipients stands.

const attempt = {
  type: 'object',
  properties: {
    at: { type: 'string', format: 'date-time' },
    outcome: { enum: ['delivered', 'deferred', 'failed', 'expired'] },
    mxHost: { type: 'string' },
    egressIp: { type: 'string' },
    egressName: { type: 'string' },
    replyCode: { type: 'string', description: 'basic reply code: "250", "451", "550"' },
    enhancedStatus: { type: 'string', description: 'RFC 3463 status: "5.1.1"' },
    replyText: { type: 'string' },
    verdict: {
      type: 'object',
      description: 'what the reply classifier made of the reply, and which rule decided',
      properties: { reason: { type: 'string' }, action: { type: 'string' }, rule: { type: 'string' } },
      required: ['reason', 'action', 'rule'],
    },
    durationMs: { type: 'number' },
  },
  required: ['at', 'outcome'],
} as const

export const getMessageV1Params = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const

export const getMessageV1Response = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    mailFrom: { type: 'string' },
    sendingDomain: { type: 'string' },
    pool: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    sizeBytes: { type: 'number' },
    recipients: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          address: { type: 'string' },
          state: { enum: ['queued', 'leased', 'delivered', 'deferred', 'failed', 'expired'] },
          attemptCount: { type: 'number' },
          nextAttemptAt: { type: 'string', format: 'date-time', description: 'for queued and deferred recipients' },
          lastReply: {
            type: 'object',
            properties: { at: { type: 'string', format: 'date-time' }, replyCode: { type: 'string' }, enhancedStatus: { type: 'string' }, text: { type: 'string' } },
            required: ['at', 'replyCode', 'enhancedStatus', 'text'],
          },
          attempts: { type: 'array', items: attempt, description: 'oldest first' },
        },
        required: ['id', 'address', 'state', 'attemptCount', 'attempts'],
      },
    },
  },
  required: ['id', 'createdAt', 'mailFrom', 'sendingDomain', 'tags', 'metadata', 'sizeBytes', 'recipients'],
} as const

export interface GetMessageV1Response {
  id: string
  createdAt: string
  mailFrom: string
  sendingDomain: string
  pool?: string
  tags: string[]
  metadata: Record<string, string>
  sizeBytes: number
  recipients: {
    id: string
    address: string
    state: string
    attemptCount: number
    nextAttemptAt?: string
    lastReply?: { at: string; replyCode: string; enhancedStatus: string; text: string }
    attempts: {
      at: string
      outcome: string
      mxHost?: string
      egressIp?: string
      egressName?: string
      replyCode?: string
      enhancedStatus?: string
      replyText?: string
      verdict?: { reason: string; action: string; rule: string }
      durationMs?: number
    }[]
  }[]
}
