// STARTTLS (RFC 3207) under a TLS policy: opportunistic (RFC 7435: encrypt when offered, any
// certificate), required (encrypt or fail), required-valid (encrypt with a certificate that
// validates for the MX name: MTA-STS "enforce", RFC 8461 §4.2).
import net from 'node:net'
import tls from 'node:tls'
import type { EhloCapabilities } from './reply.ts'
import type { Wire } from './wire.ts'

/** How a connection treats TLS. */
export type TlsMode = 'opportunistic' | 'required' | 'required-valid' | 'none'

export const TlsMode = {
  /** STARTTLS when offered, any certificate; plaintext when not offered or refused */
  opportunistic: 'opportunistic',
  /** STARTTLS or fail; any certificate */
  required: 'required',
  /** STARTTLS with a certificate valid for the servername, or fail (MTA-STS enforce) */
  requiredValid: 'required-valid',
  /** never STARTTLS */
  none: 'none',
} as const satisfies Record<string, TlsMode>

/** What the TLS session is, for logs and TLS-RPT. */
export interface TlsInfo {
  /** 'TLSv1.3' */
  readonly protocol: string
  /** 'TLS_AES_256_GCM_SHA384' */
  readonly cipher: string
  /** the certificate validated against the trusted CAs and the servername */
  readonly authorized: boolean
  /** why it did not ('DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID' …) */
  readonly authorizationError?: string
  /** 'CN=mx.example.com, O=Example' */
  readonly peerSubject?: string
}

/** What STARTTLS needs of the connection's options. */
export interface StartTlsOptions {
  readonly host: string
  readonly servername?: string
  readonly tls: TlsMode
  readonly commandTimeoutMs: number
  readonly rejectUnauthorized?: boolean
  readonly ca?: string | Buffer | readonly (string | Buffer)[]
}

/**
 * Runs STARTTLS when the policy and the server allow. Returns the TLS facts, or undefined
 * when the session stays in plaintext (opportunistic and not offered or refused); throws
 * SmtpError SMTP_TLS_NOT_OFFERED / SMTP_TLS_FAILED when the policy requires TLS and it
 * cannot be had. A failed handshake leaves the connection unusable in every mode: an
 * opportunistic caller retries on a new connection with tls 'none'.
 */
export async function upgradeToTls(wire: Wire, options: StartTlsOptions, capabilities: EhloCapabilities): Promise<TlsInfo | undefined> {
  const required = options.tls === 'required' || options.tls === 'required-valid'
  if (!capabilities.starttls) {
    if (!required) return undefined
    throw wire.failure('SMTP_TLS_NOT_OFFERED', 'STARTTLS', `TLS is required (${options.tls}) and the server does not offer STARTTLS`)
  }
  wire.write(['STARTTLS'])
  const reply = await wire.read('STARTTLS', options.commandTimeoutMs)
  if (reply.code !== 220) {
    if (!required) return undefined
    throw wire.failure('SMTP_TLS_FAILED', 'STARTTLS', `TLS is required (${options.tls}); expected 220`, reply)
  }
  if (wire.hasUnreadInput()) {
    // Bytes after the 220 arrived in plaintext and would be read as if protected: a STARTTLS
    // command injection (CVE-2011-0411 and kin). Nothing honest sends them.
    throw wire.failure('SMTP_PROTOCOL_ERROR', 'STARTTLS', 'the server sent data after its 220 to STARTTLS, before the TLS handshake')
  }
  const rejectUnauthorized = options.rejectUnauthorized ?? options.tls === 'required-valid'
  const servername = options.servername !== undefined && net.isIP(options.servername) === 0 ? options.servername : undefined
  const secure = await handshake(wire.detach(), {
    servername,
    rejectUnauthorized,
    ca: options.ca as tls.ConnectionOptions['ca'],
    // the name to check the certificate against: the MX host, or the address when there is none
    checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(options.servername ?? options.host, certificate),
  }, options.commandTimeoutMs).catch((cause: Error) => {
    throw wire.failure('SMTP_TLS_FAILED', 'STARTTLS', `TLS handshake failed (${options.tls}): ${cause.message}`, undefined, cause)
  })
  wire.replaceSocket(secure)
  const peer = secure.getPeerCertificate()
  const subject = peer?.subject === undefined ? undefined : Object.entries(peer.subject).map(([key, value]) => `${key}=${String(value)}`).join(', ')
  const authorizationError = secure.authorizationError === null || secure.authorizationError === undefined ? undefined : String(secure.authorizationError)
  return {
    protocol: secure.getProtocol() ?? 'unknown',
    cipher: secure.getCipher()?.name ?? 'unknown',
    authorized: secure.authorized,
    ...(authorizationError === undefined ? {} : { authorizationError }),
    ...(subject === undefined || subject === '' ? {} : { peerSubject: subject }),
  }
}

function handshake(socket: net.Socket, options: tls.ConnectionOptions, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ ...options, socket })
    const timer = setTimeout(() => {
      secure.destroy()
      reject(new Error(`no handshake within ${timeoutMs} ms`))
    }, timeoutMs)
    secure.once('secureConnect', () => {
      clearTimeout(timer)
      secure.removeAllListeners('error')
      resolve(secure)
    })
    secure.once('error', (cause) => {
      clearTimeout(timer)
      secure.destroy()
      socket.destroy()
      reject(cause)
    })
  })
}
