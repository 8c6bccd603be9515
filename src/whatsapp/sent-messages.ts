import { proto } from '@whiskeysockets/baileys'
import type { WaAuthRepo } from '../db/repos/wa-auth.js'

/**
 * Messages a session sent, kept so Baileys can answer a recipient's retry request (a device that
 * could not decrypt it asks again, within minutes to hours) through `getMessage`.
 */
export class SentMessages {
  constructor (private readonly repo: WaAuthRepo, private readonly userId: string) {}

  remember (id: string, remoteJid: string, message: proto.IMessage): void {
    this.repo.saveSentMessage(this.userId, id, remoteJid, proto.Message.encode(message).finish())
  }

  /** The message with this id, for Baileys' `getMessage`. */
  find (id: string | null | undefined): proto.IMessage | undefined {
    const stored = id ? this.repo.sentMessage(this.userId, id) : undefined
    return stored === undefined ? undefined : proto.Message.decode(stored)
  }
}
