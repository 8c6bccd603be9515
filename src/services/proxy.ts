import type { UsersRepo } from '../db/repos/users.js'
import { NotFoundError, ValidationError } from '../errors.js'
import { parseProxyUrl, ProxyUrlError } from '../net/proxy.js'
import type { SessionPort } from './session-port.js'

/** States in which a session has no socket: the only ones a proxy may be changed in. */
const IDLE = new Set(['disconnected', 'logged_out'])

/**
 * Checks a proxy URL as wuzapi does (http or socks5, nothing else); answers 400 with wuzapi's
 * messages. Returns the URL trimmed.
 */
export function checkProxyUrl (value: string): string {
  try {
    parseProxyUrl(value)
  } catch (err) {
    if (err instanceof ProxyUrlError) throw new ValidationError(`${err.message}: use http://[user:password@]host:port or socks5://[user:password@]host:port`)
    throw err
  }
  return value.trim()
}

/**
 * `/session/proxy`: the proxy a user's WhatsApp socket, media transfers and webhook deliveries go
 * through. It applies at the next connect, so it cannot change while the session is connected.
 */
export class ProxyService {
  constructor (private readonly users: UsersRepo, private readonly sessions: Pick<SessionPort, 'peek'>) {}

  configure (userId: string, fields: { proxy_url?: string, enable?: boolean }): Record<string, string> {
    const state = this.sessions.peek(userId).state
    if (!IDLE.has(state)) throw new ValidationError(`cannot set proxy while connected. Please disconnect first (the session is ${state})`)
    if (fields.enable === false) {
      this.users.update(userId, { proxy_url: '' })
      return { Details: 'Proxy disabled successfully' }
    }
    if (fields.proxy_url === undefined || fields.proxy_url.trim() === '') throw new ValidationError('missing proxy_url in payload')
    const url = checkProxyUrl(fields.proxy_url)
    this.users.update(userId, { proxy_url: url })
    return { Details: 'Proxy configured successfully', ProxyURL: url }
  }

  /**
   * The proxy URL the user's outbound traffic goes through, or undefined for none: the webhook
   * worker builds its client for the user's deliveries with it (as wuzapi's per-user HTTP client).
   */
  proxyFor (userId: string): string | undefined {
    const row = this.users.byId(userId)
    if (row === undefined) throw new NotFoundError('user not found')
    return row.proxy_url === '' ? undefined : row.proxy_url
  }
}
