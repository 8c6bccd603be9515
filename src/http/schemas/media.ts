import { z } from 'zod'
import { sendFields } from './chat.js'
import { LIMITS, text } from './common.js'

/**
 * `/chat/send/<media>` bodies. Every media field takes a data URL, an http(s) URL or (multipart) the
 * `file` part, so it is optional here and the route says "missing X" when neither came. A new media
 * route is `mediaFields` plus its own fields.
 */

/** A media value: a data URL (base64) or an http(s) URL. Large by nature; the size limits are per kind. */
const mediaValue = z.string()

/** What every media send takes. */
export const mediaFields = {
  ...sendFields,
  Caption: text(LIMITS.text).optional(),
  MimeType: text(LIMITS.name).regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as image/jpeg').optional()
}

export const sendImageSchema = z.object({
  ...mediaFields,
  Image: mediaValue.optional(),
  ViewOnce: z.boolean().optional()
})

export const sendDocumentSchema = z.object({
  ...mediaFields,
  Document: mediaValue.optional(),
  FileName: text(LIMITS.name).min(1, 'must not be empty')
})

/** Base64 bytes sent beside the media (thumbnails, waveform); decoded by the service, whose 400 names the field. */
const base64Bytes = text(512 * 1024)

/** `ptt` defaults to true (a voice note), as in wuzapi; `Caption` is accepted and ignored, as there. */
export const sendAudioSchema = z.object({
  ...mediaFields,
  Audio: mediaValue.optional(),
  ptt: z.boolean().optional(),
  Seconds: z.number().int('must be a whole number').min(0, 'must not be negative').max(0xffffffff, 'must fit in 32 bits').optional(),
  Waveform: base64Bytes.optional()
})

export const sendVideoSchema = z.object({
  ...mediaFields,
  Video: mediaValue.optional(),
  ViewOnce: z.boolean().optional(),
  GifPlayback: z.boolean().optional(),
  JPEGThumbnail: base64Bytes.optional()
})

/** The pack fields are written into the WebP's EXIF, as wuzapi does. */
export const sendStickerSchema = z.object({
  ...mediaFields,
  Sticker: mediaValue.optional(),
  PngThumbnail: base64Bytes.optional(),
  PackId: text(LIMITS.name).optional(),
  PackName: text(LIMITS.name).optional(),
  PackPublisher: text(LIMITS.name).optional(),
  Emojis: z.array(text(LIMITS.eventName)).max(LIMITS.events, `must have at most ${LIMITS.events} entries`).optional()
})

/** wuzapi's answer to a send. */
export const sendResponse = z.object({ Details: z.string(), Timestamp: z.number(), Id: z.string() })
