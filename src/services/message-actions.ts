import { AppError, NotFoundError, ValidationError } from '../errors.js'
import type { MessageRef } from '../whatsapp/outgoing.js'
import type { HistoryService, StoredMessage } from './history.js'
import type { MessagingService, SendAnswer } from './messaging.js'

/** wuzapi's prefix on a reaction's `Id` for a message of our own. */
const OWN_PREFIX = 'me:'

function isGroup (jid: string): boolean {
  return jid.endsWith('@g.us')
}

function requireText (value: string, field: string): string {
  if (value.trim() === '') throw new ValidationError(`missing ${field} in Payload`)
  return value
}

/**
 * Acting on earlier messages: edit, revoke, react, mark read, archive. The originals come from the
 * message history; a user who keeps none gets wuzapi's behaviour (the client's word is taken).
 */
export class MessageActionsService {
  constructor (private readonly messaging: MessagingService, private readonly history: HistoryService) {}

  async edit (userId: string, phone: string, id: string, text: string): Promise<SendAnswer> {
    const chat = this.messaging.recipient(phone)
    requireText(id, 'Id')
    requireText(text, 'Body')
    const target = this.own(userId, chat, id, 'edited')
    return await this.messaging.send(userId, chat, { kind: 'edit', target, text })
  }

  /** Deletes one of our messages for everyone. */
  async revoke (userId: string, phone: string, id: string): Promise<SendAnswer> {
    const chat = this.messaging.recipient(phone)
    requireText(id, 'Id')
    const target = this.own(userId, chat, id, 'deleted')
    return await this.messaging.send(userId, chat, { kind: 'revoke', target }, { details: 'Deleted' })
  }

  /** `emoji` '' or `remove` removes our reaction; `me:` in front of the id marks a message of ours. */
  async react (userId: string, phone: string, rawId: string, emoji: string, participant: string | undefined): Promise<SendAnswer> {
    const chat = this.messaging.recipient(phone)
    const ownHint = rawId.startsWith(OWN_PREFIX)
    const id = requireText(ownHint ? rawId.slice(OWN_PREFIX.length) : rawId, 'Id')
    const stated = participant === undefined || participant.trim() === '' ? undefined : this.messaging.recipient(participant, 'Participant')
    const stored = this.stored(userId, chat, id)
    const target: MessageRef = stored === undefined
      ? { chat, id, fromMe: ownHint, ...(isGroup(chat) && !ownHint && stated !== undefined ? { participant: stated } : {}) }
      : this.refOf(stored)
    const text = emoji.trim().toLowerCase() === 'remove' ? '' : emoji.trim()
    return await this.messaging.send(userId, chat, { kind: 'reaction', target, emoji: text })
  }

  /** Read receipts for messages others sent in a chat (`sender`: their author in a group). */
  async markRead (userId: string, ids: readonly string[], chatField: { name: string, value: string }, sender: { name: string, value: string } | undefined): Promise<{ Details: string }> {
    const chat = this.messaging.recipient(chatField.value, chatField.name)
    if (ids.length === 0 || ids.some(id => id.trim() === '')) throw new ValidationError('missing Id in Payload')
    const author = sender === undefined || sender.value.trim() === '' ? undefined : this.messaging.recipient(sender.value, sender.name)
    const refs: MessageRef[] = ids.map(id => {
      const participant = author ?? (isGroup(chat) ? this.history.find(userId, chat, id)?.sender : undefined)
      return { chat, id, fromMe: false, ...(participant !== undefined && isGroup(chat) ? { participant } : {}) }
    })
    await this.messaging.session(userId).ops().markRead(refs)
    return { Details: 'Message(s) marked as read' }
  }

  /** Archives or unarchives a chat; WhatsApp wants the chat's last message, taken from the history. */
  async archive (userId: string, jid: string, archive: boolean): Promise<{ success: true, message: string }> {
    const chat = this.messaging.recipient(jid, 'jid')
    const session = this.messaging.session(userId)
    const last = this.history.last(userId, chat)
    if (last === undefined) {
      throw new NotFoundError(`no message of chat ${chat} is in the message history: archiving needs the chat's last message` +
        (this.history.keep(userId) > 0 ? '' : '; enable the history with POST /session/history {"history": 50}'))
    }
    await session.ops().archive(chat, archive, { ref: this.refOf(last), timestamp: last.timestamp })
    return { success: true, message: archive ? 'Chat archived' : 'Chat unarchived' }
  }

  private stored (userId: string, chat: string, id: string): StoredMessage | undefined {
    const stored = this.history.find(userId, chat, id)
    if (stored === undefined && this.history.keep(userId) > 0) {
      throw new NotFoundError(`message ${id} not found in chat ${chat}: it is not in the message history`)
    }
    return stored
  }

  /** A message of ours to edit or delete: known and ours when the history keeps messages. */
  private own (userId: string, chat: string, id: string, verb: string): MessageRef {
    const stored = this.stored(userId, chat, id)
    if (stored !== undefined && !stored.fromMe) {
      throw new AppError(403, `message ${id} in chat ${chat} was sent by ${stored.sender}, not by this account: only your own messages can be ${verb}`, {}, 'forbidden')
    }
    return { chat, id, fromMe: true }
  }

  private refOf (stored: StoredMessage): MessageRef {
    return { chat: stored.chat, id: stored.id, fromMe: stored.fromMe, ...(isGroup(stored.chat) && !stored.fromMe ? { participant: stored.sender } : {}) }
  }
}
