import type { UsersRepo } from '../db/repos/users.js'
import { NotFoundError, ValidationError } from '../errors.js'
import type { Logger } from '../util/logger.js'
import { seal, sealingKey, unseal } from '../util/sealed.js'
import { resolveStoredSecret } from './stored-secret.js'

/** wuzapi's minimum HMAC key length. */
export const HMAC_KEY_MIN_LENGTH = 32
const HMAC_KEY_MAX_LENGTH = 1024

/** Where a generated encryption key is kept. */
export const ENCRYPTION_KEY_FILE = 'encryption-key'

/** The key users' HMAC keys are sealed under: WUZAPI_GLOBAL_ENCRYPTION_KEY, else DATA_DIR/encryption-key. */
export function resolveEncryptionKey (configured: string | undefined, dataDir: string, logger: Logger): Buffer {
  return sealingKey(resolveStoredSecret({
    envName: 'WUZAPI_GLOBAL_ENCRYPTION_KEY',
    file: ENCRYPTION_KEY_FILE,
    minLength: 32,
    note: 'keep it with the database: users\' webhook HMAC keys cannot be read without it'
  }, configured, dataDir, logger))
}

/**
 * Users' webhook signing keys (wuzapi's `/session/hmac/config`): kept sealed with AES-256-GCM in
 * the users table, opened only to sign a delivery; never returned or logged.
 */
export class WebhookKeysService {
  constructor (private readonly users: UsersRepo, private readonly key: Buffer, private readonly logger: Logger) {}

  /** Checks and seals a key for storage (400 naming the problem). */
  sealed (hmacKey: unknown): Buffer {
    if (typeof hmacKey !== 'string' || hmacKey.length < HMAC_KEY_MIN_LENGTH) throw new ValidationError(`HMAC key must be at least ${HMAC_KEY_MIN_LENGTH} characters long`)
    if (hmacKey.length > HMAC_KEY_MAX_LENGTH) throw new ValidationError(`HMAC key must be at most ${HMAC_KEY_MAX_LENGTH} characters long`)
    return seal(this.key, hmacKey)
  }

  set (userId: string, hmacKey: unknown): void {
    if (this.users.update(userId, { hmac_key: this.sealed(hmacKey) }) === undefined) throw new NotFoundError('user not found')
  }

  clear (userId: string): void {
    if (this.users.update(userId, { hmac_key: null }) === undefined) throw new NotFoundError('user not found')
  }

  configured (userId: string): boolean {
    return this.hasKey(this.users.byId(userId))
  }

  /** Whether a user's row (already read) holds a key. */
  hasKey (row: { hmac_key: Buffer | null } | undefined): boolean {
    return row?.hmac_key !== null && row?.hmac_key !== undefined && row.hmac_key.length > 0
  }

  /**
   * The key in clear from a user's row (already read, e.g. for the delivery's URL), to sign a
   * delivery; undefined when none (or it cannot be opened: logged).
   */
  keyOf (row: { id: string, hmac_key: Buffer | null }): string | undefined {
    if (!this.hasKey(row) || row.hmac_key === null) return undefined
    const key = unseal(this.key, row.hmac_key)
    if (key === undefined) this.logger.error({ userId: row.id }, 'the user\'s webhook HMAC key cannot be opened (WUZAPI_GLOBAL_ENCRYPTION_KEY changed?): deliveries go unsigned')
    return key
  }
}
