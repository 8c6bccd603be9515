import type { Logger } from '../util/logger.js'
import { resolveStoredSecret } from './stored-secret.js'

/** Where a generated token secret is kept. */
export const TOKEN_SECRET_FILE = 'token-secret'

/** Shortest accepted token secret (also checked for TOKEN_SECRET in config.ts). */
export const TOKEN_SECRET_MIN_LENGTH = 32

/**
 * The key user tokens are hashed under (HMAC-SHA256): TOKEN_SECRET, else DATA_DIR/token-secret,
 * else a new one written there (0600). Kept apart from the database, so a copy of the database
 * alone cannot be used to test guessed tokens.
 */
export function resolveTokenSecret (configured: string | undefined, dataDir: string, logger: Logger): string {
  return resolveStoredSecret({
    envName: 'TOKEN_SECRET',
    file: TOKEN_SECRET_FILE,
    minLength: TOKEN_SECRET_MIN_LENGTH,
    note: 'keep it with the database: user tokens cannot be checked without it'
  }, configured, dataDir, logger)
}
