import type { UsersRepo } from '../db/repos/users.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'

/**
 * Keeps the users table in step with the sessions: the JID of the login, and the auto-connect mark
 * (`connected`) that decides which sessions are restored at start. A server shutdown changes
 * neither, so the sessions that were up come back. Returns the unsubscribe.
 */
export function persistSessionMarks (registry: SessionRegistry, users: UsersRepo): () => void {
  return registry.onEvent((userId, event) => {
    switch (event.type) {
      case 'paired':
        users.update(userId, { jid: event.jid })
        return
      case 'connected':
        users.update(userId, { connected: 1, jid: event.jid })
        return
      case 'stopped':
        users.update(userId, { connected: 0 })
        return
      case 'logged_out':
        users.update(userId, { connected: 0, jid: '' })
    }
  })
}
