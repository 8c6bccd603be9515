import type { MessageRow, MessagesRepo } from '../db/repos/messages.js'
import type { UsersRepo } from '../db/repos/users.js'
import { AppError, SessionStateError, ValidationError } from '../errors.js'
import { sentChatMessage } from '../whatsapp/chat-message.js'
import type { MessageRef, OutgoingMessage } from '../whatsapp/outgoing.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'
import type { SendReceipt } from '../whatsapp/session.js'
import type { ChatMessage } from '../whatsapp/types.js'
import type { SentMessageLog } from './messaging.js'

/** The most messages per chat a user may keep. */
export const MAX_HISTORY = 100_000

/** The deepest history sync a user may ask for, in days (10 years). */
export const MAX_SYNC_DAYS = 3650

/** One row of `GET /chat/history`, in wuzapi's shape (plus `from_me`). */
export interface HistoryRow {
  id: number
  user_id: string
  chat_jid: string
  /** wuzapi writes "me" for our own messages. */
  sender_jid: string
  from_me: boolean
  message_id: string
  /** RFC 3339. */
  timestamp: string
  message_type: string
  text_content: string
  media_link: string
  quoted_message_id?: string
  /** JSON text: `{"Info": {...}, "Message": <proto JSON>}` as wuzapi stores its events. */
  data_json: string
}

/** A stored message, for acting on it. */
export interface StoredMessage {
  id: string
  chat: string
  sender: string
  fromMe: boolean
  timestamp: number
  type: string
}

function iso (seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

function infoType (type: string): string {
  if (['image', 'video', 'audio', 'document', 'sticker'].includes(type)) return 'media'
  return type === 'reaction' || type === 'poll' ? type : 'text'
}

function toHistoryRow (row: MessageRow): HistoryRow {
  const fromMe = row.from_me === 1
  const info = {
    ID: row.message_id,
    Chat: row.chat_jid,
    Sender: row.sender_jid,
    IsFromMe: fromMe,
    IsGroup: row.chat_jid.endsWith('@g.us'),
    Timestamp: iso(row.timestamp),
    PushName: row.push_name,
    Type: infoType(row.message_type),
    MediaType: row.media_json === null ? '' : row.message_type
  }
  return {
    id: row.seq,
    user_id: row.user_id,
    chat_jid: row.chat_jid,
    sender_jid: fromMe ? 'me' : row.sender_jid,
    from_me: fromMe,
    message_id: row.message_id,
    timestamp: iso(row.timestamp),
    message_type: row.message_type,
    text_content: row.text_content,
    media_link: '',
    ...(row.quoted_message_id !== '' ? { quoted_message_id: row.quoted_message_id } : {}),
    data_json: `{"Info":${JSON.stringify(info)},"Message":${row.message_json}}`
  }
}

function toStored (row: MessageRow): StoredMessage {
  return { id: row.message_id, chat: row.chat_jid, sender: row.sender_jid, fromMe: row.from_me === 1, timestamp: row.timestamp, type: row.message_type }
}

/**
 * The message history: every message a user's session sent or received, kept up to the user's
 * `history` setting per chat (0 keeps none), and read back by chat.
 */
export class HistoryService implements SentMessageLog {
  constructor (private readonly messages: MessagesRepo, private readonly users: UsersRepo, private readonly registry: SessionRegistry) {}

  /** Stores every message the sessions report; returns the unsubscribe. */
  listen (): () => void {
    return this.registry.onEvent((userId, event) => {
      if (event.type === 'message') this.store(userId, event.message)
      else if (event.type === 'history') for (const message of event.messages) this.store(userId, message)
    })
  }

  /** {@link SentMessageLog}: a message the server accepted from us. */
  sent (userId: string, chat: string, _message: OutgoingMessage, receipt: SendReceipt): void {
    const message = sentChatMessage(chat, this.registry.find(userId)?.jid ?? '', receipt)
    if (message !== undefined) this.store(userId, message)
  }

  /** How many messages per chat the user keeps (0: history disabled). */
  keep (userId: string): number {
    return this.users.byId(userId)?.history ?? 0
  }

  store (userId: string, message: ChatMessage): void {
    const keep = this.keep(userId)
    if (keep <= 0) return
    this.messages.record({
      user_id: userId,
      chat_jid: message.chat,
      message_id: message.id,
      sender_jid: message.sender,
      from_me: message.fromMe ? 1 : 0,
      timestamp: message.timestamp,
      push_name: message.pushName,
      message_type: message.type,
      text_content: message.text,
      media_json: message.media === undefined ? null : JSON.stringify(message.media),
      quoted_message_id: message.quotedId,
      target_message_id: message.targetId,
      message_secret: message.secret ?? null,
      message_json: JSON.stringify(message.message)
    }, keep)
  }

  /**
   * wuzapi's `POST /session/history`: sets how many messages per chat are kept and drops the surplus
   * now; `days` (wuzapi's `days_to_sync_history`, 0: all) sets how far back history syncs from the
   * phone are taken.
   */
  configure (userId: string, history: number, days?: number): { Details: string, History: number, DaysToSyncHistory?: number } {
    if (history < 0) throw new ValidationError('history cannot be negative')
    if (!Number.isInteger(history) || history > MAX_HISTORY) throw new ValidationError(`invalid history: a whole number of messages per chat, at most ${MAX_HISTORY}`)
    if (days !== undefined && (!Number.isInteger(days) || days < 0 || days > MAX_SYNC_DAYS)) {
      throw new ValidationError(`invalid days_to_sync_history: a whole number of days from 0 (all) to ${MAX_SYNC_DAYS}`)
    }
    this.users.update(userId, { history, ...(days !== undefined ? { days_to_sync_history: days } : {}) })
    this.messages.limit(userId, history)
    return { Details: 'History configured successfully', History: history, ...(days !== undefined ? { DaysToSyncHistory: days } : {}) }
  }

  /**
   * wuzapi's `GET /session/history`: asks the user's phone for `count` messages of a chat older
   * than a given one; they arrive later as a `HistorySync` event (and are stored). Absent fields
   * come from the stored history: the chat of the newest stored message, and the chat's oldest
   * stored message as the point to go back from.
   */
  async requestSync (userId: string, req: { count: number, chat?: string, oldestId?: string, oldestFromMe?: boolean, oldestTimestampMs?: number }): Promise<{
    details: string, timestamp: number, count: number, chat_jid: string, oldest_msg_id: string, oldest_msg_from_me: boolean, oldest_msg_timestamp: number
  }> {
    const chat = req.chat ?? this.messages.newest(userId)?.chat_jid
    if (chat === undefined) throw new ValidationError('missing chat_jid: no stored message to start from; give chat_jid, oldest_msg_id and oldest_msg_timestamp')
    const oldest = req.oldestId === undefined ? this.messages.oldest(userId, chat) : this.messages.find(userId, chat, req.oldestId)
    const id = req.oldestId ?? oldest?.message_id
    if (id === undefined) throw new ValidationError(`missing oldest_msg_id: no stored message in ${chat} to start from; give oldest_msg_id and oldest_msg_timestamp`)
    const fromMe = req.oldestFromMe ?? (oldest?.from_me === 1)
    const timestampMs = req.oldestTimestampMs ?? (oldest === undefined ? Date.now() : oldest.timestamp * 1000)
    const session = this.registry.find(userId)
    if (session === undefined) throw new SessionStateError('no session: the WhatsApp session is disconnected; call /session/connect first', 'disconnected')
    await session.ops().requestHistory(req.count, { ref: { chat, id, fromMe }, timestampMs })
    return {
      details: 'History sync request Sent',
      timestamp: Math.floor(Date.now() / 1000),
      count: req.count,
      chat_jid: chat,
      oldest_msg_id: id,
      oldest_msg_from_me: fromMe,
      oldest_msg_timestamp: timestampMs
    }
  }

  /** How many days of history the user takes from history syncs (0: all). */
  syncDays (userId: string): number {
    return this.users.byId(userId)?.days_to_sync_history ?? 0
  }

  /** The chat's newest `limit` messages, newest first; 501 when the user keeps no history (wuzapi's answer). */
  list (userId: string, chat: string, limit: number): HistoryRow[] {
    this.requireEnabled(userId)
    return this.messages.latest(userId, chat, limit).map(toHistoryRow)
  }

  /** wuzapi's `chat_jid=index`: the user's chats with the time of their newest message, keyed by the user id. */
  index (userId: string): Record<string, Array<{ chat_jid: string, last_updated: string }>> {
    this.requireEnabled(userId)
    return { [userId]: this.messages.chats(userId).map(c => ({ chat_jid: c.chat_jid, last_updated: iso(c.last) })) }
  }

  find (userId: string, chat: string, messageId: string): StoredMessage | undefined {
    const row = this.messages.find(userId, chat, messageId)
    return row === undefined ? undefined : toStored(row)
  }

  /** The stored message whose media has this direct path (or URL), with its proto JSON, for asking its media again. */
  findMedia (userId: string, directPath: string, url: string): { ref: MessageRef, message: Record<string, unknown> } | undefined {
    const row = this.messages.findByMedia(userId, directPath, url)
    if (row === undefined) return undefined
    const group = row.chat_jid.endsWith('@g.us')
    const fromMe = row.from_me === 1
    const ref: MessageRef = { chat: row.chat_jid, id: row.message_id, fromMe, ...(group && !fromMe ? { participant: row.sender_jid } : {}) }
    return { ref, message: JSON.parse(row.message_json) as Record<string, unknown> }
  }

  /** The chat's newest stored message. */
  last (userId: string, chat: string): StoredMessage | undefined {
    const row = this.messages.latest(userId, chat, 1)[0]
    return row === undefined ? undefined : toStored(row)
  }

  private requireEnabled (userId: string): void {
    if (this.keep(userId) > 0) return
    throw new AppError(501, 'message history is disabled for this user: enable it with POST /session/history {"history": 50}', {}, 'not_implemented')
  }
}
