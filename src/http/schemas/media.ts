import { z } from 'zod'
import { LIMITS, text } from './common.js'

/**
 * `/chat/send/<media>` bodies. Every media field takes a data URL, an http(s) URL or (multipart) the
 * `file` part, so it is optional here and the route says "missing X" when neither came. A new media
 * route is `mediaFields` plus its own fields.
 */

/** A media value: a data URL (base64) or an http(s) URL. Large by nature; the size limits are per kind. */
const mediaValue = z.string()

/** wuzapi's `ContextInfo` (proto field names, matched case-insensitively): a reply, mentions, forwarded. */
export const contextInfoSchema = z.object({
  StanzaID: text(LIMITS.id).optional(),
  Participant: text(LIMITS.id).optional(),
  MentionedJID: z.array(text(LIMITS.id)).max(1024, 'must have at most 1024 entries').optional(),
  IsForwarded: z.boolean().optional(),
  QuotedMessage: z.record(z.string(), z.unknown()).optional()
})

/** What every media send takes. */
export const mediaFields = {
  Phone: text(LIMITS.phone),
  Id: text(LIMITS.id).optional(),
  Caption: text(LIMITS.text).optional(),
  MimeType: text(LIMITS.name).regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as image/jpeg').optional(),
  ContextInfo: contextInfoSchema.optional(),
  QuotedText: text(LIMITS.text).optional()
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
