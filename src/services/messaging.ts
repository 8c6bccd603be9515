import { SessionStateError } from '../errors.js'
import type { OutgoingMessage } from '../whatsapp/outgoing.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'
import type { SendReceipt, UserSession } from '../whatsapp/session.js'
import { parseRecipient, type RecipientRules } from './recipient.js'

/** wuzapi's answer to a send: the server's ack time (Unix seconds) and the message id. */
export interface SendAnswer { Details: string, Timestamp: number, Id: string }

/** Told about every message the server accepted (the message history keeps them). */
export interface SentMessageLog {
  sent (userId: string, chat: string, message: OutgoingMessage, receipt: SendReceipt): void
  /** A send that failed (metrics). */
  failed?: (userId: string, chat: string, message: OutgoingMessage, err: unknown) => void
}

/** Sending on a user's logged-in session: recipients, the send itself, the answer. */
export class MessagingService {
  private readonly logs: SentMessageLog[] = []

  constructor (private readonly registry: SessionRegistry, private readonly rules: RecipientRules) {}

  /** Adds a listener told about every accepted message. */
  onSent (log: SentMessageLog): void {
    this.logs.push(log)
  }

  /** The JID a wuzapi phone/JID field names (400 naming `field` when it names none). */
  recipient (value: string, field = 'Phone'): string {
    return parseRecipient(value, field, this.rules)
  }

  /** The user's session, or 409 `not_connected` naming its state. */
  session (userId: string): UserSession {
    const session = this.registry.find(userId)
    if (session === undefined) throw new SessionStateError('not connected: the session is disconnected; call /session/connect first', 'disconnected')
    return session
  }

  /** Sends and answers once the server acknowledged it; failures are `SendError`s (409/504/502). */
  async send (userId: string, chat: string, message: OutgoingMessage, opts: { id?: string, details?: string } = {}): Promise<SendAnswer> {
    let receipt: SendReceipt
    try {
      receipt = await this.session(userId).sendMessage(chat, message, opts)
    } catch (err) {
      for (const log of this.logs) log.failed?.(userId, chat, message, err)
      throw err
    }
    for (const log of this.logs) log.sent(userId, chat, message, receipt)
    return { Details: opts.details ?? 'Sent', Timestamp: receipt.timestamp, Id: receipt.id }
  }
}
