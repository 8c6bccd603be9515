import type { UserRow, UsersRepo } from '../db/repos/users.js'
import { UnauthorizedError } from '../errors.js'
import { hashToken, secretsEqual } from '../util/ids.js'

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

/**
 * Token checks. User tokens are looked up by SHA-256 hash (the clear token is never stored), with a
 * short-lived in-memory cache that the users repository invalidates whenever a user changes or is deleted.
 */
export class AuthService {
  private readonly cache = new Map<string, CacheEntry>()

  constructor (private readonly users: UsersRepo, private readonly adminToken: string, private readonly now: () => number = Date.now) {
    users.onChange(userId => { this.invalidate(userId) })
  }

  /** True when the given value is the admin token (compared in constant time). */
  isAdmin (token: string | undefined): boolean {
    return token !== undefined && token !== '' && secretsEqual(token, this.adminToken)
  }

  /** The user owning this token; throws 401 for unknown, deleted or expired users. */
  authenticate (token: string | undefined): AuthUser {
    if (token === undefined || token === '') throw new UnauthorizedError()
    const hash = hashToken(token)
    const now = this.now()
    let entry = this.cache.get(hash)
    if (entry === undefined || entry.until < now) {
      const row = this.users.byTokenHash(hash)
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

  /** Drops every cached entry of this user; the users repository calls it after each update or delete. */
  invalidate (userId: string): void {
    for (const [hash, entry] of this.cache) if (entry.user.id === userId) this.cache.delete(hash)
  }
}
