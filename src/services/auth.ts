import type { TokenHashKind, UserRow, UsersRepo } from '../db/repos/users.js'
import { UnauthorizedError } from '../errors.js'
import { hashToken, legacyTokenHash, secretsEqual } from '../util/ids.js'

/** The authenticated user carried on each request (`ctx.state.user`). */
export interface AuthUser {
  readonly id: string
  readonly name: string
  readonly jid: string
  readonly webhook: string
  readonly events: string
  readonly expiration: number
}

interface CacheEntry { user: AuthUser, until: number }

const CACHE_TTL_MS = 30_000
const CACHE_MAX = 10_000

function toAuthUser (row: UserRow): AuthUser {
  return { id: row.id, name: row.name, jid: row.jid, webhook: row.webhook, events: row.events, expiration: row.expiration }
}

/** A token as stored: its hash and how the hash was made. */
export interface StoredToken {
  readonly token_hash: string
  readonly token_hash_kind: TokenHashKind
}

/**
 * Token checks. User tokens are looked up by their HMAC-SHA256 under the token secret (the clear
 * token is never stored), with a short-lived in-memory cache that the users repository invalidates
 * whenever a user changes or is deleted. The lookup goes through an index on a keyed hash, so its timing tells a
 * caller nothing about how close a guess was. Rows still holding the plain SHA-256 of older
 * versions are rewritten to the HMAC form at their first successful authentication.
 */
export class AuthService {
  private readonly cache = new Map<string, CacheEntry>()

  constructor (
    private readonly users: UsersRepo,
    private readonly adminToken: string,
    private readonly tokenSecret: string,
    private readonly now: () => number = Date.now
  ) {
    users.onChange(userId => { this.invalidate(userId) })
  }

  /** The form a new or changed token is stored in. */
  storedToken (token: string): StoredToken {
    return { token_hash: hashToken(token, this.tokenSecret), token_hash_kind: 'hmac-sha256' }
  }

  /** The user holding this token, in either stored form; no side effects (for uniqueness checks). */
  tokenOwner (token: string): UserRow | undefined {
    return this.users.byTokenHash(hashToken(token, this.tokenSecret)) ?? this.users.byTokenHash(legacyTokenHash(token), 'sha256')
  }

  /** True when the given value is the admin token (compared in constant time). */
  isAdmin (token: string | undefined): boolean {
    return token !== undefined && token !== '' && secretsEqual(token, this.adminToken)
  }

  /** The user owning this token; throws 401 for unknown, deleted or expired users. */
  authenticate (token: string | undefined): AuthUser {
    if (token === undefined || token === '') throw new UnauthorizedError()
    const hash = hashToken(token, this.tokenSecret)
    const now = this.now()
    let entry = this.cache.get(hash)
    if (entry === undefined || entry.until < now) {
      const row = this.users.byTokenHash(hash) ?? this.upgradeLegacy(token, hash)
      if (row === undefined) {
        this.cache.delete(hash)
        throw new UnauthorizedError()
      }
      if (this.cache.size >= CACHE_MAX) this.cache.clear()
      entry = { user: toAuthUser(row), until: now + CACHE_TTL_MS }
      this.cache.set(hash, entry)
    }
    const { user } = entry
    if (user.expiration > 0 && user.expiration * 1000 <= now) throw new UnauthorizedError('user expired')
    return user
  }

  /** Finds a row stored the old way and, the token being proven right, stores it in HMAC form. */
  private upgradeLegacy (token: string, hash: string): UserRow | undefined {
    const legacy = legacyTokenHash(token)
    const row = this.users.byTokenHash(legacy, 'sha256')
    if (row === undefined) return undefined
    this.users.upgradeTokenHash(row.id, legacy, hash)
    return row
  }

  /** Drops every cached entry of this user; the users repository calls it after each update or delete. */
  invalidate (userId: string): void {
    for (const [hash, entry] of this.cache) if (entry.user.id === userId) this.cache.delete(hash)
  }
}
