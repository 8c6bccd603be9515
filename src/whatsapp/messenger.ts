import { generateMessageIDV2, generateWAMessageFromContent, type AnyMessageContent, type BinaryNode, type MiscMessageGenerationOptions, type proto, type WASocket } from '@whiskeysockets/baileys'
import { waitForAck } from './ack.js'
import { SendError } from './errors.js'
import type { SentMessages } from './sent-messages.js'

/** A message WhatsApp's server accepted: its id and the server's timestamp (Unix seconds). */
export interface SentMessage { id: string, timestamp: number, message: proto.IWebMessageInfo }

/**
 * Sends messages on a session's socket and resolves only once WhatsApp's server acknowledged them
 * (Baileys' `sendMessage` resolves when the stanza is written, not when it is accepted).
 */
export class Messenger {
  constructor (private readonly sent: SentMessages, private readonly ackTimeoutMs: number) {}

  /**
   * Rejects with a {@link SendError}: `not_connected` without a socket (`state` says why), `no_ack`
   * when no ack comes in time (the message may still be delivered), `refused` when the server
   * answers the ack with an error code.
   */
  async send (sock: WASocket | undefined, state: string, jid: string, content: AnyMessageContent, options: MiscMessageGenerationOptions = {}): Promise<SentMessage> {
    if (sock === undefined) throw new SendError(`not connected: the session is ${state}`, 'not_connected', { state })
    const id = options.messageId ?? generateMessageIDV2(sock.user?.id)
    return await this.acked(sock, jid, id, async () => await sock.sendMessage(jid, content, { ...options, messageId: id }))
  }

  /** Sends a proto message Baileys cannot build from content, with extra stanza nodes (e.g. `<biz>`); as {@link send}. */
  async relay (sock: WASocket | undefined, state: string, jid: string, message: proto.IMessage, nodes: BinaryNode[], messageId?: string): Promise<SentMessage> {
    if (sock === undefined) throw new SendError(`not connected: the session is ${state}`, 'not_connected', { state })
    const id = messageId ?? generateMessageIDV2(sock.user?.id)
    return await this.acked(sock, jid, id, async () => {
      const full = generateWAMessageFromContent(jid, message, { userJid: sock.user?.id ?? '', messageId: id })
      await sock.relayMessage(jid, full.message ?? message, { messageId: id, additionalNodes: nodes })
      return full
    })
  }

  private async acked (sock: WASocket, jid: string, id: string, dispatch: () => Promise<proto.IWebMessageInfo | undefined>): Promise<SentMessage> {
    const wait = waitForAck(sock, id, this.ackTimeoutMs)
    let message: proto.IWebMessageInfo | undefined
    try {
      message = await dispatch()
    } catch (err) {
      wait.cancel()
      throw err
    }
    if (message === undefined) {
      wait.cancel()
      throw new SendError(`message ${id} could not be built`, 'refused', { messageId: id })
    }
    if (message.message != null) this.sent.remember(id, jid, message.message)
    let node: BinaryNode
    try {
      node = await wait.ack
    } catch (err) {
      throw new SendError(`WhatsApp did not acknowledge message ${id} (${(err as Error).message}); it may or may not have been delivered`, 'no_ack', { messageId: id })
    }
    const error = node.attrs.error
    if (error !== undefined) throw new SendError(`WhatsApp refused message ${id} with error ${error}`, 'refused', { messageId: id, serverCode: error })
    const t = Number(node.attrs.t)
    const timestamp = Number.isFinite(t) && t > 0 ? t : Math.floor(Date.now() / 1000)
    return { id, timestamp, message }
  }
}
