import { z } from 'zod'
import { LIMITS, text } from './common.js'
import { MAX_LOOKUPS } from '../../services/user-directory.js'

const phones = z.array(text(LIMITS.phone)).max(MAX_LOOKUPS, `must have at most ${MAX_LOOKUPS} entries`)

/** `POST /user/check` and `POST /user/info`: `Phone` is a list of numbers (or JIDs). */
export const phoneListSchema = z.object({ Phone: phones.optional() })
/** `POST /user/avatar`. */
export const avatarSchema = z.object({ Phone: text(LIMITS.phone).optional(), Preview: z.boolean().optional() })
/** `POST /user/presence`. */
export const userPresenceSchema = z.object({ Type: text(LIMITS.id).optional() })
/** `POST /user/presence/subscribe`, `/user/block`, `/user/unblock`. */
export const phoneSchema = z.object({ Phone: text(LIMITS.phone).optional() })
/** `POST /user/parse-lid`. */
export const parseLidSchema = z.object({ LID: text(LIMITS.id).optional() })
/** `POST /user/privacy`: one setting, by WhatsApp's name (`last`) or whatsmeow's (`LastSeen`). */
export const privacySchema = z.object({ Name: text(LIMITS.id).optional(), Value: text(LIMITS.id).optional() })

export const checkResponse = z.object({
  Users: z.array(z.object({ Query: z.string(), IsInWhatsapp: z.boolean(), JID: z.string(), VerifiedName: z.string() }))
})
export const infoResponse = z.object({
  Users: z.record(z.string(), z.object({
    VerifiedName: z.unknown(),
    Status: z.string(),
    PictureID: z.string(),
    Devices: z.array(z.string()),
    LID: z.string()
  }))
})
export const avatarResponse = z.object({ url: z.string(), id: z.string(), type: z.string(), direct_path: z.string(), hash: z.null() })
export const contactsResponse = z.record(z.string(), z.object({
  Found: z.boolean(),
  FirstName: z.string(),
  FullName: z.string(),
  PushName: z.string(),
  BusinessName: z.string(),
  RedactedPhone: z.string()
}))
export const lidResponse = z.object({ jid: z.string(), lid: z.string() })
export const jidDetails = z.object({ Details: z.string(), JID: z.string() })
export const blocklistResponse = z.object({ JIDs: z.array(z.string()) })
export const privacyResponse = z.record(z.string(), z.string())
