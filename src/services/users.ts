import type { WebhookKeysService } from './webhook-keys.js'
import type { UserChanges, UserRow, UsersRepo } from '../db/repos/users.js'
import { ConflictError, NotFoundError, ValidationError } from '../errors.js'
import { newToken, newUserId } from '../util/ids.js'
import type { AuthService } from './auth.js'
import { checkProxyUrl } from './proxy.js'
import type { SessionPort } from './session-port.js'
import type { SubscriptionsService } from './subscriptions.js'

/** What an admin may set when creating or updating a user. */
export interface UserInput {
  name?: string
  token?: string
  webhook?: string
  events?: string | readonly string[]
  expiration?: number
  history?: number
  proxyConfig?: { enabled?: boolean, proxyURL?: string }
  /** The webhook signing key (at least 32 characters), stored encrypted; only on create, as wuzapi. */
  hmacKey?: string
}

/** A user as the admin API shows it (wuzapi's field names). */
export interface UserView {
  id: string
  name: string
  token: string
  webhook: string
  jid: string
  qrcode: string
  connected: boolean
  loggedIn: boolean
  expiration: number
  proxy_url: string
  events: string
  history: number
  proxy_config: { enabled: boolean, proxy_url: string }
  s3_config: Record<string, unknown>
}

/** wuzapi's `s3_config` for a user without S3 (S3 upload is not supported yet). */
export const S3_DISABLED = Object.freeze({ enabled: false, endpoint: '', region: '', bucket: '', access_key: '***', path_style: true, public_url: '', media_delivery: 'base64', retention_days: 30 })

/** Tokens shorter than this get no hint: four characters would give away a quarter of it or more. */
const TOKEN_HINT_MIN_LENGTH = 16

/** The token is never stored: lists show only the last four characters of a long one. */
function tokenHint (token: string): string {
  return token.length < TOKEN_HINT_MIN_LENGTH ? '' : token.slice(-4)
}

/** wuzapi's `proxyConfig`: the URL when enabled ('' otherwise), checked as `/session/proxy` checks it. */
function proxyUrl (config: UserInput['proxyConfig']): string {
  const url = config?.enabled === true ? config.proxyURL?.trim() ?? '' : ''
  return url === '' ? '' : checkProxyUrl(url)
}

function checkToken (token: string): void {
  if (token.length < 8) throw new ValidationError('token must be at least 8 characters long')
  if (/\s/.test(token)) throw new ValidationError('token must not contain spaces')
}

/** Admin use-cases on users: create, list, update, delete. */
export class UsersService {
  constructor (
    private readonly users: UsersRepo,
    private readonly auth: AuthService,
    private readonly subscriptions: SubscriptionsService,
    private readonly sessions: SessionPort,
    private readonly keys?: Pick<WebhookKeysService, 'sealed'>
  ) {}

  /** Creates a user; returns the view with the clear token, shown this once. */
  create (input: UserInput): UserView & { hmac_key: boolean } {
    const name = input.name?.trim() ?? ''
    if (name === '') throw new ValidationError('missing name in Payload')
    const token = input.token?.trim() || newToken()
    checkToken(token)
    const subscription = this.subscriptions.changes({ webhook: input.webhook, events: input.events })
    const row: Parameters<UsersRepo['insert']>[0] = {
      id: newUserId(),
      name,
      ...this.auth.storedToken(token),
      token_hint: tokenHint(token),
      webhook: subscription.webhook ?? '',
      events: subscription.events ?? '',
      expiration: input.expiration ?? 0,
      proxy_url: proxyUrl(input.proxyConfig),
      history: input.history ?? 0
    }
    const hmacKey = input.hmacKey === undefined || input.hmacKey === '' ? undefined : this.keys?.sealed(input.hmacKey)
    if (this.auth.tokenOwner(token) !== undefined) throw new ConflictError('user with this token already exists')
    const inserted = this.users.insert(row)
    if (hmacKey !== undefined) this.users.update(inserted.id, { hmac_key: hmacKey })
    return { ...this.view(inserted), token, hmac_key: hmacKey !== undefined }
  }

  list (): UserView[] {
    return this.users.list().map(row => this.view(row))
  }

  /** The user as a 0- or 1-element list, as wuzapi answers `GET /admin/users/{id}`. */
  find (id: string): UserView[] {
    const row = this.users.byId(id)
    return row === undefined ? [] : [this.view(row)]
  }

  /** Updates the given fields; a new token is returned in clear once. */
  update (id: string, input: UserInput): UserView {
    const current = this.users.byId(id)
    if (current === undefined) throw notFound(id)
    const changes: UserChanges = this.subscriptions.changes({ webhook: input.webhook, events: input.events })
    if (input.name !== undefined && input.name.trim() !== '') changes.name = input.name.trim()
    if (input.expiration !== undefined) changes.expiration = input.expiration
    if (input.history !== undefined) changes.history = input.history
    if (input.proxyConfig !== undefined) changes.proxy_url = proxyUrl(input.proxyConfig)
    const token = input.token?.trim()
    if (token !== undefined && token !== '') {
      checkToken(token)
      const owner = this.auth.tokenOwner(token)
      if (owner !== undefined && owner.id !== id) throw new ConflictError('user with this token already exists')
      Object.assign(changes, this.auth.storedToken(token))
      changes.token_hint = tokenHint(token)
    }
    if (Object.keys(changes).length === 0) throw new ValidationError('no fields to update')
    const row = this.users.update(id, changes) as UserRow
    return token ? { ...this.view(row), token } : this.view(row)
  }

  /** Ends the user's session (logging it out on the phone side), then deletes the user and its data. */
  async delete (id: string): Promise<UserView> {
    const row = this.users.byId(id)
    if (row === undefined) throw notFound(id)
    await this.sessions.destroy(id, () => { this.users.delete(id) })
    return this.view(row)
  }

  private view (row: UserRow): UserView {
    const session = this.sessions.peek(row.id)
    return {
      id: row.id,
      name: row.name,
      token: row.token_hint === '' ? '' : `***${row.token_hint}`,
      webhook: row.webhook,
      jid: row.jid,
      qrcode: session.qrcode,
      connected: session.connected,
      loggedIn: session.loggedIn,
      expiration: row.expiration,
      proxy_url: row.proxy_url,
      events: row.events,
      history: row.history,
      proxy_config: { enabled: row.proxy_url !== '', proxy_url: row.proxy_url },
      s3_config: { ...S3_DISABLED }
    }
  }
}

function notFound (id: string): NotFoundError {
  return new NotFoundError('user not found', { details: `No user found with ID: ${id}` })
}
