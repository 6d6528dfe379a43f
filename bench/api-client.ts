// The HTTP client of bench/api.ts and bench/preflight-cost.ts: POST /v1/messages over
// keep-alive connections, answering the status code.
import { Agent, request } from 'node:http'

export interface ApiClient {
  /** one POST of the body; resolves with the answer's status */
  post(): Promise<number>
  close(): void
}

export function apiClient(port: number, token: string, body: Buffer | string, connections: number): ApiClient {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: `Bearer ${token}` }
  return {
    post: () => new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', headers, agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(body)
    }),
    close: () => agent.destroy(),
  }
}
