// A preflight finding as the API answers it: POST /v1/lint, POST /v1/messages (warnings) and
// the 422 content_rejected error.

export const findingV1 = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'stable check id: header.date-missing, unsubscribe.one-click-missing, scanner.virus…' },
    severity: { enum: ['error', 'warning', 'info'] },
    message: { type: 'string' },
    where: {
      type: 'object',
      properties: { header: { type: 'string' }, part: { type: 'string', description: 'MIME part, IMAP numbering: "" the top level, "1.2"' }, line: { type: 'number' } },
    },
    why: { type: 'string', description: 'why receivers care' },
    fix: { type: 'string', description: 'how to fix it' },
    source: { type: 'string', description: 'the RFC, provider page or data file the rule rests on' },
  },
  required: ['id', 'severity', 'message', 'where', 'why', 'fix'],
} as const

export interface FindingV1 {
  id: string
  severity: 'error' | 'warning' | 'info'
  message: string
  where: { header?: string; part?: string; line?: number }
  why: string
  fix: string
  source?: string
}

/** A finding as the API answers it (a copy: the API's types stay its own). */
export function toFindingV1(finding: { id: string; severity: 'error' | 'warning' | 'info'; message: string; where: { header?: string; part?: string; line?: number }; why: string; fix: string; source?: string }): FindingV1 {
  return { id: finding.id, severity: finding.severity, message: finding.message, where: { ...finding.where }, why: finding.why, fix: finding.fix, ...(finding.source === undefined ? {} : { source: finding.source }) }
}
