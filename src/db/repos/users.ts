import type { Database } from '../database.js'

/** How `token_hash` was computed: HMAC-SHA256 under the token secret, or the older plain SHA-256. */
export type TokenHashKind = 'hmac-sha256' | 'sha256'

/** A users row as stored. */
export interface UserRow {
  id: string
  name: string
  token_hash: string
  token_hash_kind: TokenHashKind
  token_hint: string
  webhook: string
  events: string
  jid: string
  connected: number
  expiration: number
  proxy_url: string
  history: number
  /** 'json', 'form', or '' for the server's WEBHOOK_FORMAT. */
  webhook_format: string
  /** The HMAC key, sealed (see util/sealed.ts), or null. */
  hmac_key: Buffer | null
  /** Days of chat history taken from history syncs (0: all). */
  days_to_sync_history: number
  /** 'base64': Message webhooks carry the decrypted media; '': only its download fields. */
  media_delivery: string
  created_at: number
  updated_at: number
}

export type NewUser = Pick<UserRow, 'id' | 'name' | 'token_hash' | 'token_hint' | 'webhook' | 'events' | 'expiration' | 'proxy_url' | 'history'> & Partial<Pick<UserRow, 'token_hash_kind'>>

/** Fields an update may change; absent fields keep their value. */
export type UserChanges = Partial<Pick<UserRow, 'name' | 'token_hash' | 'token_hash_kind' | 'token_hint' | 'webhook' | 'events' | 'expiration' | 'proxy_url' | 'history' | 'jid' | 'connected' | 'webhook_format' | 'hmac_key' | 'days_to_sync_history' | 'media_delivery'>>

const UPDATABLE: ReadonlyArray<keyof UserChanges> = ['name', 'token_hash', 'token_hash_kind', 'token_hint', 'webhook', 'events', 'expiration', 'proxy_url', 'history', 'jid', 'connected', 'webhook_format', 'hmac_key', 'days_to_sync_history', 'media_delivery']

/** Called after a user row changed or was deleted (e.g. to drop cached copies of it). */
export type UserChangeListener = (userId: string) => void

/** SQL for the users table, with statements prepared once. */
export class UsersRepo {
  private readonly listeners: UserChangeListener[] = []
  private readonly insertStmt
  private readonly listStmt
  private readonly byIdStmt
  private readonly byTokenStmt
  private readonly upgradeTokenStmt
  private readonly deleteStmt
  private readonly countsStmt
  private readonly connectedStmt

  constructor (private readonly db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO users (id, name, token_hash, token_hash_kind, token_hint, webhook, events, expiration, proxy_url, history, created_at, updated_at)
      VALUES (@id, @name, @token_hash, @token_hash_kind, @token_hint, @webhook, @events, @expiration, @proxy_url, @history, @now, @now)`)
    this.listStmt = db.prepare('SELECT * FROM users ORDER BY created_at, id')
    this.byIdStmt = db.prepare('SELECT * FROM users WHERE id = ?')
    this.byTokenStmt = db.prepare('SELECT * FROM users WHERE token_hash = ? AND token_hash_kind = ?')
    this.upgradeTokenStmt = db.prepare(`UPDATE users SET token_hash = @to, token_hash_kind = 'hmac-sha256', updated_at = @now
      WHERE id = @id AND token_hash = @from AND token_hash_kind = 'sha256'`)
    this.deleteStmt = db.prepare('DELETE FROM users WHERE id = ?')
    this.countsStmt = db.prepare('SELECT COUNT(*) AS total, COALESCE(SUM(connected), 0) AS connected FROM users')
    this.connectedStmt = db.prepare('SELECT * FROM users WHERE connected = 1 ORDER BY id')
  }

  /** Inserts a user; throws SQLITE_CONSTRAINT_UNIQUE on a duplicate token hash. */
  insert (user: NewUser): UserRow {
    this.insertStmt.run({ token_hash_kind: 'hmac-sha256', ...user, now: Date.now() })
    return this.byId(user.id) as UserRow
  }

  list (): UserRow[] { return this.listStmt.all() as UserRow[] }
  byId (id: string): UserRow | undefined { return this.byIdStmt.get(id) as UserRow | undefined }
  byTokenHash (hash: string, kind: TokenHashKind = 'hmac-sha256'): UserRow | undefined {
    return this.byTokenStmt.get(hash, kind) as UserRow | undefined
  }

  /** Replaces a user's old SHA-256 token hash by its HMAC form; false when the row changed meanwhile. */
  upgradeTokenHash (id: string, from: string, to: string): boolean {
    return this.upgradeTokenStmt.run({ id, from, to, now: Date.now() }).changes > 0
  }

  /** Users marked connected (to restore at boot). */
  connected (): UserRow[] { return this.connectedStmt.all() as UserRow[] }

  /**
   * Registers a listener told about every update and delete, so caches of user rows are kept
   * right by the one place that writes them rather than by each caller.
   */
  onChange (listener: UserChangeListener): void {
    this.listeners.push(listener)
  }

  /** Applies the given changes; returns the updated row or undefined when the user does not exist. */
  update (id: string, changes: UserChanges): UserRow | undefined {
    const keys = UPDATABLE.filter(k => changes[k] !== undefined)
    if (keys.length > 0) {
      const sets = keys.map(k => `${k} = @${k}`).join(', ')
      this.db.prepare(`UPDATE users SET ${sets}, updated_at = @now WHERE id = @id`).run({ ...changes, id, now: Date.now() })
      this.changed(id)
    }
    return this.byId(id)
  }

  /** Deletes a user; true when a row was removed. */
  delete (id: string): boolean {
    const removed = this.deleteStmt.run(id).changes > 0
    this.changed(id)
    return removed
  }

  private changed (id: string): void {
    for (const listener of this.listeners) listener(id)
  }

  counts (): { total: number, connected: number } {
    return this.countsStmt.get() as { total: number, connected: number }
  }
}
