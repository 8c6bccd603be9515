import { z } from 'zod'
import { LIMITS, text } from './common.js'

/**
 * `/chat/download<kind>` bodies: wuzapi's field names. Keys match case-insensitively, so a
 * message's media object (`imageMessage` of a webhook or of `/chat/history`'s `data_json`: `URL` or
 * `url`, `fileEncSHA256` or `fileEncSha256`, ...) can be posted as it is; its other fields are ignored.
 */
export const downloadSchema = z.object({
  Url: text(LIMITS.url).nullish(),
  DirectPath: text(LIMITS.url).nullish(),
  MediaKey: text(LIMITS.id),
  Mimetype: text(LIMITS.name).regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as image/jpeg').nullish(),
  FileEncSHA256: text(LIMITS.id),
  FileSHA256: text(LIMITS.id),
  // a Long: a number, or a string in proto JSON that keeps 64-bit values exact
  FileLength: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)]).nullish()
})

export const downloadResponse = z.object({ Mimetype: z.string(), Data: z.string() })

/** `/chat/request-unavailable-message`: wuzapi's lower-case fields, full JIDs. */
export const unavailableSchema = z.object({
  chat: text(LIMITS.id),
  sender: text(LIMITS.id),
  id: text(LIMITS.id)
})

export const unavailableResponse = z.object({
  success: z.literal(true),
  message: z.string(),
  request_id: z.string(),
  chat: z.string(),
  sender: z.string(),
  message_id: z.string(),
  timestamp: z.number()
})
