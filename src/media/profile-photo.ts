import sharp from 'sharp'
import { ValidationError } from '../errors.js'
import type { MediaBody } from '../whatsapp/outgoing.js'

/** WhatsApp's profile and group photos: a 640×640 JPEG (what its apps upload, and Baileys' default). */
export const PHOTO_SIZE = 640

/**
 * The photo as WhatsApp stores it: turned upright (EXIF), cropped to a centred square and
 * re-encoded as a 640×640 JPEG, so whatever camera metadata the original had is gone. A JPEG sharp
 * cannot decode is the client's to fix: 400 naming the field.
 */
export async function toProfilePhoto (media: MediaBody, field: string): Promise<Buffer> {
  const input = media.data ?? media.path
  if (input === undefined) throw new ValidationError(`missing ${field} in Payload`)
  try {
    return await sharp(input, { animated: false }).rotate().resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'cover' }).jpeg({ quality: 80 }).toBuffer()
  } catch (err) {
    throw new ValidationError(`could not decode ${field} as a JPEG image: ${err instanceof Error ? err.message : String(err)}`)
  }
}
