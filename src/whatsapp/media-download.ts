import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto'
import { getMediaKeys } from '@whiskeysockets/baileys'

/** The media families, each with its own key derivation ("WhatsApp Image Keys", ...); stickers use the image keys. */
export type EncryptedMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker'

/** WhatsApp appends the first 10 bytes of HMAC-SHA256(macKey, iv + ciphertext) to the ciphertext. */
const MAC_LENGTH = 10
const AES_BLOCK = 16

/** The media key does not open these bytes: another message's key, another kind, or bytes that are not WhatsApp media. */
export class MediaKeyMismatchError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'MediaKeyMismatchError'
  }
}

/**
 * Decrypts a WhatsApp media file (AES-256-CBC with keys derived from the message's media key).
 * Unlike Baileys' download helpers it checks the MAC first, so a wrong key or kind is reported as
 * such instead of yielding garbage or a bare "bad decrypt".
 */
export async function decryptMedia (encrypted: Buffer, mediaKey: Buffer, kind: EncryptedMediaKind): Promise<Buffer> {
  const body = encrypted.subarray(0, encrypted.length - MAC_LENGTH)
  if (encrypted.length < MAC_LENGTH + AES_BLOCK || body.length % AES_BLOCK !== 0) {
    throw new MediaKeyMismatchError(`the downloaded file (${encrypted.length} bytes) is not encrypted WhatsApp media`)
  }
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, kind)
  // always derived for media keys; typed optional as Baileys' uploads do not need it
  if (macKey === undefined) throw new MediaKeyMismatchError('no MAC key could be derived from the media key')
  const mac = createHmac('sha256', macKey).update(iv).update(body).digest().subarray(0, MAC_LENGTH)
  if (!timingSafeEqual(mac, encrypted.subarray(body.length))) {
    throw new MediaKeyMismatchError(`the media key does not open this file as ${kind} media (its MAC check failed)`)
  }
  try {
    const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    throw new MediaKeyMismatchError(`the media key does not decrypt this file as ${kind} media`)
  }
}
