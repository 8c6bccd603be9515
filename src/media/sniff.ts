import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type'
import { ValidationError } from '../errors.js'
import { MediaTooLargeError } from './errors.js'
import { MEDIA_RULES, type MediaKind } from './kinds.js'

/** Names for the types people most often send to the wrong route, so a 400 reads naturally. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  'application/pdf': 'a PDF document',
  'application/zip': 'a ZIP archive',
  'image/jpeg': 'a JPEG image',
  'image/png': 'a PNG image',
  'image/webp': 'a WebP image',
  'image/gif': 'a GIF image',
  'video/mp4': 'an MP4 video',
  'audio/mpeg': 'an MP3 audio file',
  'audio/ogg': 'an Ogg audio file'
}

/** The type the bytes really have (from their magic numbers), whatever the client declared. */
export async function sniff (media: { data?: Buffer, path?: string }): Promise<string | undefined> {
  const found = media.data !== undefined ? await fileTypeFromBuffer(media.data) : media.path !== undefined ? await fileTypeFromFile(media.path) : undefined
  return found?.mime
}

/** 400 unless the sniffed type fits the route; the message names the field, what was found and what is expected. */
export function checkType (kind: MediaKind, field: string, sniffed: string | undefined): void {
  const rule = MEDIA_RULES[kind]
  if (rule.accepts(sniffed)) return
  const found = sniffed === undefined ? 'a file of unrecognised type' : `${TYPE_NAMES[sniffed] ?? 'a file'} (${sniffed})`
  throw new ValidationError(`${field} is ${found}; expected ${rule.expected}`)
}

/** 413 when `size` bytes are over the kind's limit. */
export function checkSize (kind: MediaKind, field: string, size: number, limitBytes: number): void {
  if (size > limitBytes) throw new MediaTooLargeError(field, kind, limitBytes)
}
