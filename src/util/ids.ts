import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new user id: 16 random bytes as 32 hex characters, like wuzapi's. */
export function newUserId (): string {
  return randomBytes(16).toString('hex')
}

/** A new secret token: 32 random bytes, base64url (43 characters). */
export function newToken (): string {
  return randomBytes(32).toString('base64url')
}

/**
 * HMAC-SHA256 of a token under the server's token secret, as hex: what is stored and looked up
 * instead of the token. Without the secret, a stolen hash cannot be checked against guesses.
 */
export function hashToken (token: string, secret: string): string {
  return createHmac('sha256', secret).update(token, 'utf8').digest('hex')
}

/** The plain SHA-256 hex that older versions stored; only read, to upgrade such rows. */
export function legacyTokenHash (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Compares two secrets in time independent of where they differ (both are hashed first). */
export function secretsEqual (a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest()
  const hb = createHash('sha256').update(b, 'utf8').digest()
  return timingSafeEqual(ha, hb)
}
