import { z } from 'zod'
import { LIMITS, text } from './common.js'

const id = text(LIMITS.id).min(1)
const phone = text(LIMITS.phone).min(1)

export const scanSchema = z.object({ UserID: id, Phone: phone })
export const pairSchema = z.object({ Code: id, Phone: phone.optional() })
export const createPhoneSchema = z.object({
  Phone: phone,
  PushName: text(LIMITS.name).optional(),
  /** The profile's "about" text ('' clears it). */
  About: text(139).optional(),
  /** A JPEG data URL for the profile picture ('' removes it). */
  Picture: z.string().max(2_000_000, 'must be at most 2000000 characters').optional()
})
/** Base64 media (a data URL or bare base64); the HTTP body limit bounds its size. */
const media = z.string().min(1, 'must not be empty')

/**
 * What a virtual phone sends: one kind per request (the service says which fields name one).
 * `To` is a user id, a number or a JID; presence goes to no chat.
 */
export const phoneSendSchema = z.object({
  To: text(LIMITS.id).optional(),
  Body: text(LIMITS.text).optional(),
  ContextInfo: z.object({ StanzaID: text(LIMITS.id).optional(), Participant: text(LIMITS.phone).optional() }).optional(),
  QuotedText: text(LIMITS.text).optional(),
  Image: media.optional(),
  Document: media.optional(),
  Audio: media.optional(),
  Video: media.optional(),
  Sticker: media.optional(),
  FileName: text(LIMITS.name).optional(),
  MimeType: text(LIMITS.name).optional(),
  Caption: text(LIMITS.text).optional(),
  PTT: z.boolean().optional(),
  Latitude: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90').optional(),
  Longitude: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180').optional(),
  Name: text(LIMITS.name).optional(),
  Vcard: text(65_536).optional(),
  Poll: text(255).optional(),
  Options: z.array(text(255)).max(12, 'must have at most 12 entries (WhatsApp\'s limit)').optional(),
  SelectableCount: z.number().int('must be a whole number').min(0, 'must be 0 (any number) or more').optional(),
  React: text(64).optional(),
  Edit: text(LIMITS.text).optional(),
  Revoke: z.boolean().optional(),
  Id: text(LIMITS.id).optional(),
  Participant: text(LIMITS.phone).optional(),
  Read: z.array(text(LIMITS.id).min(1, 'must not be empty')).max(1024, 'must have at most 1024 entries').optional(),
  Typing: z.string().pipe(z.enum(['composing', 'paused', 'recording'], { error: 'must be composing, paused or recording' })).optional(),
  Presence: z.string().pipe(z.enum(['available', 'unavailable'], { error: 'must be available or unavailable' })).optional(),
  Vote: z.array(text(255)).max(12, 'must have at most 12 entries (WhatsApp\'s limit)').optional(),
  Call: z.string().pipe(z.enum(['offer', 'terminate'], { error: 'must be offer or terminate' })).optional(),
  VideoCall: z.boolean().optional(),
  Reason: text(64).optional(),
  Picture: media.optional(),
  Identity: z.boolean().optional(),
  GroupCreate: text(LIMITS.name).optional(),
  GroupSubject: text(LIMITS.name).optional(),
  GroupParticipants: z.string().pipe(z.enum(['add', 'remove', 'promote', 'demote'], { error: 'must be add, remove, promote or demote' })).optional(),
  Participants: z.array(text(LIMITS.id).min(1, 'must not be empty')).max(256, 'must have at most 256 entries').optional()
})
export const faultSchema = z.object({ UserID: id, Kind: id })
/** A media `Url` or `DirectPath` (as a message's media fields carry them). */
export const expireMediaSchema = z.object({ Url: text(LIMITS.url).optional(), DirectPath: text(LIMITS.url).optional() })

export const scanResponse = z.object({ jid: z.string(), lid: z.string(), state: z.string() })
export const pairResponse = z.object({ jid: z.string(), lid: z.string() })
export const phoneResponse = z.object({ Phone: z.string(), JID: z.string(), LID: z.string(), PushName: z.string(), About: z.string(), HasPicture: z.boolean() })
/** `Id` is the message sent ('' for receipts, chat state and presence); `To` the chat ('' for presence). */
export const phoneSendResponse = z.object({ Kind: z.string(), Id: z.string(), To: z.string() })
export const receivedResponse = z.object({
  Messages: z.array(z.object({
    Id: z.string(),
    Chat: z.string(),
    From: z.string(),
    Timestamp: z.number(),
    /** The decoded protobuf as JSON (`conversation`, `extendedTextMessage`, ...). */
    Message: z.unknown(),
    Error: z.string().nullable()
  }))
})
export const faultResponse = z.object({ Kind: z.string(), Connections: z.number() })
export const expireMediaResponse = z.object({ DirectPath: z.string(), Expired: z.boolean() })
