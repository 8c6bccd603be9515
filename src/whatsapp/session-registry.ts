import { jidNormalizedUser } from '@whiskeysockets/baileys'
import { KeyedMutex } from '../util/keyed-mutex.js'
import { UnknownUserError } from './errors.js'
import { UserSession, type SessionEnv } from './session.js'
import type { SessionEvent, SessionEventListener, SessionSnapshot } from './types.js'

export interface RegistryOptions {
  /** Whether the user still exists: a session is never created for one that does not. */
  userExists (userId: string): boolean
}

/**
 * One owner per user's session. Sessions are created and removed only under the user's lock (as
 * is every lifecycle call, and every reconnect a session schedules), so concurrent calls for one
 * user never open two sockets and a deleted user never gets a session back. Reading a user's
 * state ({@link peek}) never creates one.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, UserSession>()
  private readonly mutex = new KeyedMutex()
  private readonly listeners = new Set<SessionEventListener>()

  constructor (private readonly env: SessionEnv, private readonly options: RegistryOptions) {}

  /** Subscribes to every session's lifecycle events; returns the unsubscribe. */
  onEvent (listener: SessionEventListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** The user's live session, if one exists (never creates one). */
  find (userId: string): UserSession | undefined {
    return this.sessions.get(userId)
  }

  /** A static snapshot of the user's session: the live one's, else "disconnected" with the stored login's JID. */
  peek (userId: string): SessionSnapshot {
    const live = this.sessions.get(userId)
    if (live !== undefined) return live.snapshot()
    const login = this.env.auth.login(userId)
    return {
      state: 'disconnected',
      connected: false,
      loggedIn: false,
      qrcode: '',
      jid: login === undefined ? '' : jidNormalizedUser(login.id),
      pushName: login?.name ?? '',
      lastError: undefined
    }
  }

  /** The device JID of the user's login (`5511...:3@s.whatsapp.net`), or '' without one. */
  deviceJid (userId: string): string {
    return this.sessions.get(userId)?.deviceJid ?? this.env.auth.login(userId)?.id ?? ''
  }

  /**
   * Runs a lifecycle operation on the user's session under the user's lock, creating the session
   * if needed. Throws {@link UnknownUserError} for a user that does not exist.
   */
  async exclusive<T> (userId: string, fn: (session: UserSession) => Promise<T>): Promise<T> {
    return await this.mutex.run(userId, async () => await fn(this.sessionFor(userId)))
  }

  countsByState (): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const session of this.sessions.values()) counts[session.state] = (counts[session.state] ?? 0) + 1
    return counts
  }

  /**
   * Ends the user's session (logging it out on the phone side), forgets it and runs `removeUser`,
   * all under the user's lock, so nothing can start a session for the user in between.
   */
  async destroy (userId: string, removeUser: () => void): Promise<void> {
    await this.mutex.run(userId, async () => {
      const session = this.sessions.get(userId)
      if (session !== undefined) {
        if (session.hasLogin || session.state !== 'disconnected') await session.logout()
        else await session.stop()
        this.sessions.delete(userId)
      }
      removeUser()
    })
  }

  /** Starts the session of each given user that still has a login; returns how many. */
  restore (userIds: readonly string[]): number {
    const withLogin = userIds.filter(id => this.env.auth.login(id) !== undefined)
    for (const userId of withLogin) {
      this.exclusive(userId, async session => { session.start() }).catch(err => {
        this.env.logger.warn({ userId, err }, 'could not restore the session')
      })
    }
    return withLogin.length
  }

  /** Closes every socket, keeping logins and the "connected" marks so the next start restores them. */
  async closeAll (): Promise<void> {
    await Promise.all([...this.sessions.keys()].map(async userId => {
      await this.mutex.run(userId, async () => { await this.sessions.get(userId)?.stop() })
    }))
  }

  private sessionFor (userId: string): UserSession {
    const existing = this.sessions.get(userId)
    if (existing !== undefined) return existing
    if (!this.options.userExists(userId)) throw new UnknownUserError(userId)
    const session = new UserSession(userId, this.env, {
      emit: event => { this.emit(userId, event) },
      reconnectDue: () => {
        this.mutex.run(userId, async () => { this.sessions.get(userId)?.resume() }).catch(err => {
          this.env.logger.error({ userId, err }, 'reconnect failed')
        })
      }
    })
    this.sessions.set(userId, session)
    return session
  }

  /**
   * Hands an event to every listener. A failing listener is logged and the others still run; for
   * a message the first failure is then thrown back to the session, so the message is not
   * acknowledged to WhatsApp (which sends it again) when it could not be committed.
   */
  private emit (userId: string, event: SessionEvent): void {
    let failure: unknown
    for (const listener of this.listeners) {
      try {
        listener(userId, event)
      } catch (err) {
        this.env.logger.error({ userId, event: event.type, err }, 'session event listener failed')
        failure ??= err
      }
    }
    if (failure !== undefined && event.type === 'message') throw failure
  }
}
