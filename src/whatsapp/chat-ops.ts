import type { WASocket } from '@whiskeysockets/baileys'
import { fromBaileys } from './errors.js'
import type { MessageRef } from './outgoing.js'

/** A chat state the user shows to one chat. */
export type ChatPresence = 'composing' | 'recording' | 'paused'

/** What asking the phone to resend a message came to: sent (with the request's id), not needed, or already under way. */
export type ResendRequest = { status: 'sent', id: string } | { status: 'arrived' } | { status: 'pending' }

async function call<T> (fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw fromBaileys(err)
  }
}

/**
 * What a logged-in session does besides sending messages, in our own terms; Baileys' failures come
 * out as `WhatsAppError`s.
 */
export class ChatOps {
  constructor (private readonly sock: WASocket) {}

  async presence (jid: string, state: ChatPresence): Promise<void> {
    await call(async () => { await this.sock.sendPresenceUpdate(state, jid) })
  }

  /**
   * Asks our own phone to send again a message this session could not decrypt; its answer arrives
   * as a normal incoming message. Baileys waits 2 s first, in case the message arrives by itself.
   */
  async requestResend (ref: MessageRef): Promise<ResendRequest> {
    return await call(async () => {
      const key = { remoteJid: ref.chat, id: ref.id, fromMe: ref.fromMe, ...(ref.participant !== undefined ? { participant: ref.participant } : {}) }
      const id = await this.sock.requestPlaceholderResend(key)
      if (id === undefined) return { status: 'pending' }
      return id === 'RESOLVED' ? { status: 'arrived' } : { status: 'sent', id }
    })
  }

  /** Read receipts for messages others sent (`participant`: the sender in a group). */
  async markRead (refs: readonly MessageRef[]): Promise<void> {
    await call(async () => {
      await this.sock.readMessages(refs.map(r => ({ remoteJid: r.chat, id: r.id, fromMe: false, ...(r.participant !== undefined ? { participant: r.participant } : {}) })))
    })
  }

  /** The profile's "about" text. */
  async setStatusText (text: string): Promise<void> {
    await call(async () => { await this.sock.updateProfileStatus(text) })
  }

  async rejectCall (callId: string, from: string): Promise<void> {
    await call(async () => { await this.sock.rejectCall(callId, from) })
  }

  /** Archives or unarchives a chat; WhatsApp wants the chat's last message with it. */
  async archive (jid: string, archive: boolean, last: { ref: MessageRef, timestamp: number }): Promise<void> {
    await call(async () => {
      // a group message of someone else's is refused by Baileys without its participant
      const key = { remoteJid: last.ref.chat, id: last.ref.id, fromMe: last.ref.fromMe, ...(last.ref.participant !== undefined ? { participant: last.ref.participant } : {}) }
      await this.sock.chatModify({ archive, lastMessages: [{ key, messageTimestamp: last.timestamp }] }, jid)
    })
  }
}
