// `todoku send --from A --to B [--subject S] [--text T | --html H | --file message.eml]`: sends one
// message through a running todoku's HTTP API (POST /v1/messages), as any API client would.
// The key comes from --key or TODOKU_API_KEY; the server from --server, else the configured API port.
import type { Command } from 'commander'
import { readFileSync } from 'node:fs'
import { loadConfig } from '../config/index.ts'
import { TodokuError } from '../core/index.ts'

interface SendOptions {
  readonly from: string
  readonly to: string[]
  readonly cc: string[]
  readonly bcc: string[]
  readonly subject?: string
  readonly text?: string
  readonly html?: string
  readonly file?: string
  readonly tag: string[]
  readonly pool?: string
  readonly idempotencyKey?: string
  readonly server?: string
  readonly key?: string
  readonly config?: string
  readonly wait?: string | boolean
  readonly json?: boolean
}

/** States after which a recipient's fate no longer changes. */
const FINAL_STATES = new Set(['delivered', 'failed', 'expired'])
const WAIT_POLL_MS = 250
const DEFAULT_WAIT_SECONDS = 30

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('send one message through a running todoku (its HTTP API)')
    .requiredOption('--from <address>', "the From address ('Taro <taro@example.com>'); its domain must be a sending domain")
    .option('--to <address>', 'a recipient (repeat for more)', collect, [])
    .option('--cc <address>', 'a Cc recipient (repeat for more)', collect, [])
    .option('--bcc <address>', 'a Bcc recipient (repeat for more)', collect, [])
    .option('--subject <text>', 'the subject')
    .option('--text <text>', 'the plain-text body')
    .option('--html <html>', 'the HTML body')
    .option('--file <message.eml>', 'send this whole RFC 5322 message (- for stdin) to the given recipients instead of composing one')
    .option('--tag <tag>', 'a tag (repeat for more)', collect, [])
    .option('--pool <name>', 'the egress pool to send from')
    .option('--idempotency-key <key>', 'repeat-safe: a second send with the same key queues nothing')
    .option('--server <url>', 'the todoku API (default: http://127.0.0.1:<api.port of the config>)')
    .option('--key <token>', 'the API key (default: $TODOKU_API_KEY)')
    .option('-c, --config <file>', 'the TOML config file (for the API port)')
    .option('--wait [seconds]', `wait until every recipient is delivered, failed or expired (default ${DEFAULT_WAIT_SECONDS} s)`)
    .option('--json', 'print the API answer as JSON')
    .action(async (options: SendOptions) => {
      const key = options.key ?? process.env.TODOKU_API_KEY
      if (key === undefined || key === '') throw new TodokuError('SEND_NO_API_KEY', 'sending: no API key: expected --key tdk_… or TODOKU_API_KEY (make one with `todoku key create --name …`)')
      const recipients = [...options.to, ...options.cc, ...options.bcc]
      if (recipients.length === 0) throw new TodokuError('SEND_NO_RECIPIENTS', 'sending: no recipients: expected at least one --to, --cc or --bcc')
      const server = (options.server ?? `http://127.0.0.1:${loadConfig({ file: options.config, env: process.env }).api.port}`).replace(/\/+$/, '')
      const body = options.file !== undefined ? rawBody(options, recipients) : structuredBody(options)
      const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
      if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey

      const answer = await call(`${server}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) })
      const queued = answer as { id: string; recipients: { id: string; address: string }[] }
      if (options.wait === undefined || options.wait === false) {
        process.stdout.write(options.json === true ? `${JSON.stringify(queued)}\n` : `queued ${queued.id}\n${queued.recipients.map((r) => `  ${r.address}  ${r.id}`).join('\n')}\n`)
        return
      }
      const waitSeconds = options.wait === true ? DEFAULT_WAIT_SECONDS : Number(options.wait)
      const view = await waitForFinalStates(`${server}/v1/messages/${encodeURIComponent(queued.id)}`, key, waitSeconds * 1000)
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(view)}\n`)
        return
      }
      process.stdout.write(`message ${queued.id}\n`)
      for (const recipient of view.recipients) {
        const last = recipient.lastReply
        // the text often starts with the enhanced status already ('5.1.1 <…>: User unknown')
        const status = last?.enhancedStatus !== undefined && last.enhancedStatus !== '' && !(last.text ?? '').startsWith(last.enhancedStatus) ? last.enhancedStatus : undefined
        const reply = last === undefined ? '' : `  ${[last.replyCode, status, last.text].filter(Boolean).join(' ')}`
        process.stdout.write(`  ${recipient.address}  ${recipient.state}${reply}\n`)
      }
      if (view.recipients.some((r) => r.state !== 'delivered')) process.exitCode = 1
    })
}

function structuredBody(options: SendOptions): Record<string, unknown> {
  return {
    from: options.from,
    ...(options.to.length > 0 && { to: options.to }),
    ...(options.cc.length > 0 && { cc: options.cc }),
    ...(options.bcc.length > 0 && { bcc: options.bcc }),
    ...(options.subject !== undefined && { subject: options.subject }),
    ...(options.text !== undefined && { text: options.text }),
    ...(options.html !== undefined && { html: options.html }),
    ...requestOptions(options),
  }
}

/** The file as it is, with an envelope of --from's address and every recipient. */
function rawBody(options: SendOptions, recipients: readonly string[]): Record<string, unknown> {
  if (options.subject !== undefined || options.text !== undefined || options.html !== undefined) {
    throw new TodokuError('SEND_CONFLICTING_OPTIONS', 'sending: --file with --subject, --text or --html: expected the whole message in the file, or a composed one without --file')
  }
  const bytes = readFileSync(options.file === '-' ? 0 : (options.file as string))
  const bare = (address: string) => /<([^>]*)>\s*$/.exec(address)?.[1] ?? address.trim()
  return {
    raw: bytes.toString('base64'),
    envelope: { mailFrom: bare(options.from), recipients: recipients.map(bare) },
    ...requestOptions(options),
  }
}

function requestOptions(options: SendOptions): Record<string, unknown> {
  return { ...(options.tag.length > 0 && { tags: options.tag }), ...(options.pool !== undefined && { pool: options.pool }) }
}

async function call(url: string, init: RequestInit): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(url, init)
  } catch (cause) {
    throw new TodokuError('SEND_SERVER_UNREACHABLE', `sending to ${url}: ${(cause as Error).message} (${String((cause as { cause?: { code?: string } }).cause?.code ?? '')}); expected a running \`todoku serve\` (or --server)`, { cause })
  }
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  if (!response.ok) {
    const error = body as { error?: { code?: string; message?: string } } | string
    const detail = typeof error === 'string' ? error : (error.error?.message ?? text)
    throw new TodokuError('SEND_REFUSED', `sending to ${url}: HTTP ${response.status}: ${detail}`)
  }
  return body
}

interface MessageView {
  recipients: { address: string; state: string; lastReply?: { replyCode?: string; enhancedStatus?: string; text?: string } }[]
}

async function waitForFinalStates(url: string, key: string, timeoutMs: number): Promise<MessageView> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const view = (await call(url, { headers: { authorization: `Bearer ${key}` } })) as MessageView
    if (view.recipients.every((r) => FINAL_STATES.has(r.state)) || Date.now() >= deadline) return view
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS))
  }
}
