import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { ValidationError } from '../errors.js'
import type { MediaBody } from '../whatsapp/outgoing.js'
import { hasPack, stickerExif, withWebpExif, type StickerPack } from './webp-exif.js'

/** WhatsApp draws stickers in a 512×512 box. */
export const STICKER_SIZE = 512

export interface Sticker {
  /** The WebP to send: the input itself when it already was a 512×512 WebP. */
  media: MediaBody
  isAnimated: boolean
  width: number
  height: number
  converted: boolean
}

/**
 * A sticker from a WebP, PNG, JPEG or GIF: a 512×512 WebP is sent as it is; anything else is
 * scaled to fit 512×512 on a transparent background and encoded as WebP (animated GIFs and WebPs
 * stay animated). Bytes sharp cannot decode are the client's to fix: 400 naming the field.
 */
export async function toSticker (media: MediaBody, field: string): Promise<Sticker> {
  const input = media.data ?? media.path
  if (input === undefined) throw new ValidationError(`missing ${field} in Payload`)
  try {
    const meta = await sharp(input, { animated: true }).metadata()
    const isAnimated = (meta.pages ?? 1) > 1
    const frameHeight = meta.pageHeight ?? meta.height
    if (meta.format === 'webp' && meta.width === STICKER_SIZE && frameHeight === STICKER_SIZE) {
      return { media: { ...media, mimetype: 'image/webp' }, isAnimated, width: STICKER_SIZE, height: STICKER_SIZE, converted: false }
    }
    const data = await sharp(input, { animated: true })
      .resize(STICKER_SIZE, STICKER_SIZE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .webp({ quality: 80 })
      .toBuffer()
    return { media: { data, mimetype: 'image/webp' }, isAnimated, width: STICKER_SIZE, height: STICKER_SIZE, converted: true }
  } catch (err) {
    throw new ValidationError(`could not decode ${field} as an image: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/**
 * The sticker with its pack (id, name, publisher, emojis) in the WebP's EXIF, as WhatsApp stickers
 * carry it; a pack without a `PackId` gets a random one. Unchanged when no pack field is set.
 */
export async function withPack (media: MediaBody, pack: StickerPack, field: string): Promise<MediaBody> {
  if (!hasPack(pack)) return media
  const webp = media.data ?? (media.path === undefined ? undefined : await readFile(media.path))
  if (webp === undefined) throw new ValidationError(`missing ${field} in Payload`)
  try {
    return { data: withWebpExif(webp, stickerExif({ ...pack, id: pack.id ?? randomUUID() })), mimetype: 'image/webp' }
  } catch (err) {
    throw new ValidationError(`could not write the sticker pack into ${field}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
