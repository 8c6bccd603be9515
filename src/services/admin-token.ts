import type { Logger } from '../util/logger.js'
import { resolveStoredSecret } from './stored-secret.js'

/** Where a generated admin token is kept. */
export const ADMIN_TOKEN_FILE = 'admin-token'

/** The admin token: ADMIN_TOKEN, else DATA_DIR/admin-token, else a new one written there (0600). */
export function resolveAdminToken (configured: string | undefined, dataDir: string, logger: Logger): string {
  return resolveStoredSecret({ envName: 'ADMIN_TOKEN', file: ADMIN_TOKEN_FILE, minLength: 16 }, configured, dataDir, logger)
}
