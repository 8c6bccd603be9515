import sharp from 'sharp'
import { ValidationError } from '../errors.js'
import type { MediaBody } from '../whatsapp/outgoing.js'

/** What an image message carries besides the file: its size and a small preview shown before download. */
export interface ImagePreview { jpegThumbnail: Buffer, width: number, height: number }

/** wuzapi's thumbnail: 72×72 JPEG, cropped to fill. */
const THUMB_SIZE = 72

/**
 * Width, height (as displayed, after EXIF rotation) and a 72×72 JPEG thumbnail. An image sharp
 * cannot decode is the client's to fix: 400 naming the field.
 */
export async function imagePreview (media: MediaBody, field: string): Promise<ImagePreview> {
  const input = media.data ?? media.path
  if (input === undefined) throw new ValidationError(`missing ${field} in Payload`)
  try {
    const image = sharp(input, { animated: false })
    const meta = await image.metadata()
    const jpegThumbnail = await image.clone().rotate().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' }).jpeg({ quality: 60 }).toBuffer()
    const width = meta.autoOrient?.width ?? meta.width
    const height = meta.autoOrient?.height ?? meta.height
    return { jpegThumbnail, width, height }
  } catch (err) {
    throw new ValidationError(`could not decode ${field} for the thumbnail: ${err instanceof Error ? err.message : String(err)}`)
  }
}
