import type { SessionPort, SessionSnapshot } from '../services/session-port.js'
import { UserSession, type LastError, type SessionEnv, type SessionState } from './session.js'

/** A session's full status, for `/session/status`. */
export interface SessionStatus extends SessionSnapshot {
  state: SessionState
  jid: string
  pushName: string
  lastError: LastError | undefined
}

/** Runs `fn` after every earlier call with the same key has finished (Baileys' keyed-mutex idea). */
class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>()

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.catch(() => {}).then(fn)
    const tail = result.catch(() => {})
    this.tails.set(key, tail)
    try {
      return await result
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}

/**
 * One owner per user's session. Every lifecycle call goes through {@link SessionRegistry.exclusive},
 * so concurrent connects for one user never open two sockets.
 */
export class SessionRegistry implements SessionPort {
  private readonly sessions = new Map<string, UserSession>()
  private readonly mutex = new KeyedMutex()

  constructor (private readonly env: SessionEnv) {}

  /** Runs a lifecycle operation on the user's session, serialised per user. */
  async exclusive<T> (userId: string, fn: (session: UserSession) => Promise<T>): Promise<T> {
    return await this.mutex.run(userId, async () => await fn(this.session(userId)))
  }

  /** The user's session object (created on first use, in state `disconnected`). */
  session (userId: string): UserSession {
    let session = this.sessions.get(userId)
    if (session === undefined) {
      session = new UserSession(userId, this.env)
      this.sessions.set(userId, session)
    }
    return session
  }

  /** The session's status; a user not seen since start is loaded (disconnected, with its stored login's JID). */
  status (userId: string): SessionStatus {
    const session = this.session(userId)
    const state = session.state
    return {
      state,
      connected: state === 'connected' || state === 'qr' || state === 'pairing',
      loggedIn: state === 'connected',
      qrcode: session.qrPng,
      jid: session.jid,
      pushName: session.pushName,
      lastError: session.lastError
    }
  }

  snapshot (userId: string): SessionSnapshot {
    const { state, connected, loggedIn, qrcode } = this.status(userId)
    return { state, connected, loggedIn, qrcode }
  }

  countsByState (): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const session of this.sessions.values()) counts[session.state] = (counts[session.state] ?? 0) + 1
    return counts
  }

  /** Logs the user's session out (phone side too) and forgets it; its stored login is wiped. */
  async destroy (userId: string): Promise<void> {
    await this.exclusive(userId, async session => {
      if (session.hasLogin || session.state !== 'disconnected') await session.logout()
    })
    this.sessions.delete(userId)
  }

  /** Starts the session of every user that was connected when the server stopped and still has a login. */
  restore (userIds: readonly string[]): number {
    let started = 0
    for (const userId of userIds) {
      const session = this.session(userId)
      if (!session.hasLogin) continue
      session.start()
      started++
    }
    return started
  }

  /** Closes every socket, keeping logins and the "connected" marks so the next start restores them. */
  async closeAll (): Promise<void> {
    await Promise.all([...this.sessions.keys()].map(async userId => await this.exclusive(userId, async s => await s.stop())))
  }
}
