import type { WebhookHealthView } from './deliveries.js'
import type { UserRow, UsersRepo } from '../db/repos/users.js'
import { SessionStateError, UpstreamTimeoutError, ValidationError } from '../errors.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'
import type { UserSession } from '../whatsapp/session.js'
import type { SessionState } from '../whatsapp/types.js'
import type { AuthUser } from './auth.js'
import type { SubscriptionsService } from './subscriptions.js'
import { S3_DISABLED } from './users.js'

export interface SessionsOptions {
  /** How long `/session/connect` without `Immediate` waits for the login (wuzapi: 10 s). */
  connectWaitMs: number
  /** How long `/session/qr` and `/session/pairphone` wait for the socket to show a QR code. */
  qrWaitMs: number
  /** Called with each pairing code handed out (the sandbox uses it to "type" the code on the phone). */
  onPairingCode?: (userId: string, phone: string, code: string) => void
  /** The user's webhook signing and delivery health, for `/session/status` (given the user's row, already read). */
  webhookStatus?: (userId: string, row: UserRow | undefined) => { hmacConfigured: boolean, deliveries: WebhookHealthView[] }
}

const SHOWING_QR: ReadonlySet<SessionState> = new Set(['qr', 'pairing'])
const ENDED: ReadonlySet<SessionState> = new Set(['disconnected', 'logged_out'])
const SETTLED: ReadonlySet<SessionState> = new Set(['connected', 'qr', 'pairing', ...ENDED])

/** `XXXXXXXX` → `XXXX-XXXX`, as wuzapi (whatsmeow) formats linking codes. */
export function formatLinkingCode (code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code
}

/** The `/session/*` use-cases. */
export class SessionsService {
  constructor (
    private readonly registry: SessionRegistry,
    private readonly users: UsersRepo,
    private readonly subscriptions: SubscriptionsService,
    private readonly options: SessionsOptions
  ) {}

  /** Starts the session (keeping the subscription when `subscribe` is absent) and, unless `immediate`, waits for the login or a QR code. */
  async connect (user: AuthUser, subscribe: string[] | undefined, immediate: boolean): Promise<Record<string, unknown>> {
    this.subscriptions.subscribeOnConnect(user.id, subscribe)
    const before = this.registry.peek(user.id).state
    const session = await this.registry.exclusive(user.id, async s => {
      s.start()
      // a stored login reconnects: mark it now, so a crash before the socket opens still restores it
      if (s.hasLogin) this.users.update(user.id, { connected: 1 })
      return s
    })
    if (!immediate && before !== 'connected') await session.waitFor(s => SETTLED.has(s), this.options.connectWaitMs)
    const status = session.snapshot()
    const row = this.users.byId(user.id)
    const details = before === 'connected' ? 'Already connected' : status.loggedIn ? 'Connected!' : SHOWING_QR.has(status.state) ? 'Waiting for QR code scan or pairing code' : 'Connecting'
    return { details, events: row?.events ?? '', jid: status.jid, webhook: row?.webhook ?? '', state: status.state, lastError: status.lastError ?? null }
  }

  /** Closes the socket; the login is kept, so the next connect needs no QR. */
  async disconnect (user: AuthUser): Promise<Record<string, unknown>> {
    this.requireLive(user.id, state => `no session: the WhatsApp session is ${state}`)
    await this.registry.exclusive(user.id, async session => {
      if (session.state === 'disconnected' || session.state === 'logged_out') {
        throw new SessionStateError(`no session: the WhatsApp session is ${session.state}`, session.state)
      }
      await session.disconnect()
    })
    return { Details: 'Disconnected' }
  }

  /** Logs out on the phone side and wipes the login; the next connect shows a QR code. */
  async logout (user: AuthUser): Promise<Record<string, unknown>> {
    if (this.registry.find(user.id) === undefined && this.registry.peek(user.id).jid === '') {
      throw new SessionStateError('could not logout as it was not logged in (session is disconnected)', 'disconnected')
    }
    await this.registry.exclusive(user.id, async session => {
      if (!session.hasLogin && session.state !== 'connected') {
        throw new SessionStateError(`could not logout as it was not logged in (session is ${session.state})`, session.state)
      }
      await session.logout()
    })
    return { Details: 'Logged out' }
  }

  /** wuzapi's status shape (both spellings of connected/loggedIn), plus our state and last error. */
  status (user: AuthUser, token: string): Record<string, unknown> {
    const status = this.registry.peek(user.id)
    const row = this.users.byId(user.id)
    const webhook = this.options.webhookStatus?.(user.id, row)
    return {
      id: user.id,
      name: user.name,
      token,
      jid: status.jid,
      pushName: status.pushName,
      webhook: row?.webhook ?? '',
      events: row?.events ?? '',
      connected: status.connected,
      loggedIn: status.loggedIn,
      Connected: status.connected,
      LoggedIn: status.loggedIn,
      state: status.state,
      lastError: status.lastError ?? null,
      qrcode: status.qrcode,
      proxy_url: row?.proxy_url ?? '',
      history: String(row?.history ?? 0),
      proxy_config: { enabled: (row?.proxy_url ?? '') !== '', proxy_url: row?.proxy_url ?? '' },
      s3_config: { ...S3_DISABLED, media_delivery: row?.media_delivery ?? '' },
      hmac_configured: webhook?.hmacConfigured ?? false,
      webhook_status: webhook?.deliveries ?? []
    }
  }

  /** The current QR code as a PNG data URL. */
  async qr (user: AuthUser): Promise<{ QRCode: string }> {
    const session = this.requireLive(user.id, state => `not connected: the session is ${state}; call /session/connect first`)
    if (session.state === 'connected') throw new SessionStateError('already logged in', session.state)
    await session.waitFor(s => SHOWING_QR.has(s) || s === 'connected', this.options.qrWaitMs)
    return { QRCode: session.snapshot().qrcode }
  }

  /**
   * Requests a pairing code for `phone` (starting the session when needed); answers `XXXX-XXXX`.
   * The wait for the socket's first QR code happens outside the user's lock, so a reconnect (or a
   * delete) is never held up by it.
   */
  async pairPhone (user: AuthUser, phone: string): Promise<{ LinkingCode: string }> {
    const digits = phone.replace(/^\+/, '')
    if (!/^\d{7,15}$/.test(digits)) throw new ValidationError('invalid Phone: use the international number, digits only (e.g. 5491155554444)')
    const session = await this.registry.exclusive(user.id, async s => {
      if (s.hasLogin) throw new ValidationError('already paired')
      s.start()
      return s
    })
    if (!await session.waitFor(s => SHOWING_QR.has(s) || ENDED.has(s), this.options.qrWaitMs)) {
      const status = session.snapshot()
      throw new UpstreamTimeoutError(`WhatsApp did not offer pairing in time: ${status.lastError?.message ?? `session is ${status.state}`}`)
    }
    const code = await this.registry.exclusive(user.id, async s => {
      if (!SHOWING_QR.has(s.state)) throw new SessionStateError(`no QR code shown any more: the session is ${s.state}; call /session/pairphone again`, s.state)
      return await s.requestPairingCode(digits)
    })
    this.options.onPairingCode?.(user.id, digits, code)
    return { LinkingCode: formatLinkingCode(code) }
  }

  /** The user's running session, or a 409 naming the state (a session never started is disconnected). */
  private requireLive (userId: string, message: (state: SessionState) => string): UserSession {
    const session = this.registry.find(userId)
    const state = session?.state ?? 'disconnected'
    if (session === undefined || state === 'disconnected' || state === 'logged_out') throw new SessionStateError(message(state), state)
    return session
  }
}
