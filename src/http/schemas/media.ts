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

/** wuzapi's answer to a send. */
export const sendResponse = z.object({ Details: z.string(), Timestamp: z.number(), Id: z.string() })
