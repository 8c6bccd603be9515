import { aesEncryptGCM, hmacSign, proto } from '@whiskeysockets/baileys'
import { createHash, randomBytes } from 'node:crypto'

/** What a vote is encrypted for: the poll's id, its creator and key (`messageSecret`), and the voter. */
export interface PollVoteContext {
  pollMsgId: string
  pollCreatorJid: string
  voterJid: string
  /** The poll's `messageContextInfo.messageSecret` (32 bytes). */
  pollEncKey: Uint8Array
}

/** SHA-256 of an option's name: what a vote lists (WhatsApp never sends the names). */
export function optionHash (name: string): Buffer {
  return createHash('sha256').update(Buffer.from(name)).digest()
}

/**
 * Encrypts a vote as a phone does (the inverse of Baileys' `decryptPollVote`): AES-256-GCM under a
 * key derived with HMAC-SHA256 from the poll's secret, its id, creator and voter, with
 * `id\0voter` as additional data. Returns `pollUpdateMessage.vote` (`encPayload`, `encIv`).
 */
export function encryptPollVote (selected: readonly string[], ctx: PollVoteContext, iv: Uint8Array = randomBytes(12)): { encPayload: Buffer, encIv: Buffer } {
  const sign = Buffer.concat([
    Buffer.from(ctx.pollMsgId),
    Buffer.from(ctx.pollCreatorJid),
    Buffer.from(ctx.voterJid),
    Buffer.from('Poll Vote'),
    new Uint8Array([1])
  ])
  const key0 = hmacSign(ctx.pollEncKey, new Uint8Array(32), 'sha256')
  const encKey = hmacSign(sign, key0, 'sha256')
  const plaintext = proto.Message.PollVoteMessage.encode({ selectedOptions: selected.map(optionHash) }).finish()
  const aad = Buffer.from(`${ctx.pollMsgId}\u0000${ctx.voterJid}`)
  return { encPayload: aesEncryptGCM(plaintext, encKey, iv, aad), encIv: Buffer.from(iv) }
}
