import { extractMessageContent, proto, type WASocket } from '@whiskeysockets/baileys'
import { fromBaileys, WhatsAppError } from './errors.js'
import type { MessageRef } from './outgoing.js'

/** A chat state the user shows to one chat. */
export type ChatPresence = 'composing' | 'recording' | 'paused'

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
   * as a normal incoming message (Baileys handles the response without a request of its own).
   * Resolves with the request's id. Not `requestPlaceholderResend`: it holds the caller 2 s and
   * leaves an 8 s timer per call that outlives the socket; whatsmeow sends at once, as here.
   */
  async requestResend (ref: MessageRef): Promise<string> {
    return await call(async () => {
      const messageKey = { remoteJid: ref.chat, id: ref.id, fromMe: ref.fromMe, ...(ref.participant !== undefined ? { participant: ref.participant } : {}) }
      return await this.sock.sendPeerDataOperationMessage({
        placeholderMessageResendRequest: [{ messageKey }],
        peerDataOperationRequestType: proto.Message.PeerDataOperationRequestType.PLACEHOLDER_MESSAGE_RESEND
      })
    })
  }

  /**
   * Asks the phone to upload a message's expired media again (a media retry receipt, Baileys'
   * `updateMediaMessage`) and resolves with the new direct path. `message` is the stored proto
   * JSON. Baileys waits for the answer without a limit, so the wait ends here after `timeoutMs`
   * (a 408 `WhatsAppError`); the phone's refusal is a `WhatsAppError` with its status (404: it no
   * longer has the media).
   */
  async reuploadMedia (ref: MessageRef, message: Record<string, unknown>, timeoutMs: number): Promise<string> {
    const key = { remoteJid: ref.chat, id: ref.id, fromMe: ref.fromMe, ...(ref.participant !== undefined ? { participant: ref.participant } : {}) }
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new WhatsAppError(`the phone did not upload the media again within ${timeoutMs} ms`, 408)) }, timeoutMs)
    })
    try {
      const updated = await Promise.race([call(async () => await this.sock.updateMediaMessage({ key, message: proto.Message.fromObject(message) })), timeout])
      const content = extractMessageContent(updated.message)
      const media = content?.imageMessage ?? content?.videoMessage ?? content?.audioMessage ?? content?.documentMessage ?? content?.stickerMessage
      if (typeof media?.directPath !== 'string' || media.directPath === '') throw new WhatsAppError('the phone answered without a new direct path', 502)
      return media.directPath
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Asks our own phone for up to `count` messages of a chat older than `oldest` (its key and time
   * in ms): wuzapi's on-demand history. The answer arrives later as a history sync (`ON_DEMAND`).
   * Resolves with the request's id.
   */
  async requestHistory (count: number, oldest: { ref: MessageRef, timestampMs: number }): Promise<string> {
    return await call(async () => {
      const key = { remoteJid: oldest.ref.chat, id: oldest.ref.id, fromMe: oldest.ref.fromMe }
      return await this.sock.fetchMessageHistory(count, key, oldest.timestampMs)
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
