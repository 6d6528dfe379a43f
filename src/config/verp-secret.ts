// The VERP secret signs return paths (`bounce+<token>@…`), so a bounce that comes back days
// later can be matched to its recipient, and forged ones can't. When the config gives none,
// one is made once and kept in the data folder: it must survive restarts, or every bounce of
// mail sent before the restart would stop matching.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CONFIG_ERRORS, ConfigError } from './errors.ts'

export const VERP_SECRET_FILE_NAME = 'verp-secret'
/** 256 bits, base64url: well past HMAC-SHA256's need. */
const GENERATED_SECRET_BYTES = 32

/** The configured secret, else the one in `<dataDir>/verp-secret`, made (mode 0600) on first use. */
export function resolveVerpSecret(configured: string | undefined, dataDir: string): string {
  if (configured !== undefined) return configured
  const file = join(dataDir, VERP_SECRET_FILE_NAME)
  try {
    return readSecret(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(file, error)
  }
  mkdirSync(dataDir, { recursive: true })
  try {
    // 'wx': two processes starting on a fresh folder at once can't both write one; the loser reads the winner's
    writeFileSync(file, `${randomBytes(GENERATED_SECRET_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unreadable(file, error)
  }
  return readSecret(file)
}

function readSecret(file: string): string {
  const secret = readFileSync(file, 'utf8').trim()
  if (secret.length < 16) throw new ConfigError(CONFIG_ERRORS.INVALID, `reading the VERP secret ${file}: ${secret.length} characters; expected at least 16`, [`${file}: expected at least 16 characters`])
  return secret
}

function unreadable(file: string, cause: unknown): ConfigError {
  const message = `reading the VERP secret ${file}: ${(cause as Error).message}; expected a readable file, or verp.secret in the config`
  return new ConfigError(CONFIG_ERRORS.UNREADABLE, message, [message], { cause })
}
