import { z } from 'zod'
import { LIMITS, text } from './common.js'

const id = text(LIMITS.id).min(1)
const phone = text(LIMITS.phone).min(1)

export const scanSchema = z.object({ UserID: id, Phone: phone })
export const pairSchema = z.object({ Code: id, Phone: phone.optional() })
export const createPhoneSchema = z.object({ Phone: phone, PushName: text(LIMITS.name).optional() })
export const phoneSendSchema = z.object({ To: id, Body: text(LIMITS.text).min(1) })
export const faultSchema = z.object({ UserID: id, Kind: id })

export const scanResponse = z.object({ jid: z.string(), lid: z.string(), state: z.string() })
export const pairResponse = z.object({ jid: z.string(), lid: z.string() })
export const phoneResponse = z.object({ Phone: z.string(), JID: z.string(), LID: z.string(), PushName: z.string() })
export const phoneSendResponse = z.object({ Id: z.string(), To: z.string() })
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
