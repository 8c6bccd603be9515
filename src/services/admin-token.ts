import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs'
import path from 'node:path'
import type { Logger } from '../util/logger.js'
import { newToken } from '../util/ids.js'

/** Where a generated admin token is kept. */
export const ADMIN_TOKEN_FILE = 'admin-token'

/**
 * The admin token: the configured one, else the one stored in DATA_DIR/admin-token, else a new one
 * written there with mode 0600. Only the file's location is logged, never the token.
 */
export function resolveAdminToken (configured: string | undefined, dataDir: string, logger: Logger): string {
  if (configured !== undefined) return configured
  const file = path.join(dataDir, ADMIN_TOKEN_FILE)
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim()
    if (stored.length >= 16) {
      logger.info({ file }, 'ADMIN_TOKEN not set: using the admin token stored in this file')
      return stored
    }
  }
  mkdirSync(dataDir, { recursive: true })
  const token = newToken()
  writeFileSync(file, token + '\n', { mode: 0o600 })
  chmodSync(file, 0o600)
  logger.warn({ file }, 'ADMIN_TOKEN not set: generated an admin token and stored it in this file (mode 0600)')
  return token
}
