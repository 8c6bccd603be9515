import { z } from 'zod'
import { events, LIMITS, s3Config, text, webhookUrl } from './common.js'

const userFields = {
  name: text(LIMITS.name),
  token: text(LIMITS.token),
  webhook: webhookUrl,
  events,
  expiration: z.number().int().nonnegative(),
  history: z.number().int().nonnegative(),
  proxyConfig: z.object({ enabled: z.boolean().optional(), proxyURL: text(LIMITS.url).optional() })
}

/** `POST /admin/users`. */
export const createUserSchema = z.object({
  ...userFields,
  token: userFields.token.optional(),
  webhook: userFields.webhook.optional(),
  events: userFields.events.optional(),
  expiration: userFields.expiration.optional(),
  history: userFields.history.optional(),
  proxyConfig: userFields.proxyConfig.optional(),
  /** wuzapi's webhook signing key (at least 32 characters); only here, as in wuzapi. */
  hmacKey: z.string().max(1024, 'must be at most 1024 characters').optional()
})

/** `PUT /admin/users/{id}`: every field optional. */
export const updateUserSchema = z.object(userFields).partial()

/** A user as the admin API shows it; `token` is `***` plus its last four characters, except right after it was set. */
export const userView = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  webhook: z.string(),
  jid: z.string(),
  qrcode: z.string(),
  connected: z.boolean(),
  loggedIn: z.boolean(),
  expiration: z.number(),
  proxy_url: z.string(),
  events: z.string(),
  history: z.number(),
  proxy_config: z.object({ enabled: z.boolean(), proxy_url: z.string() }),
  s3_config: s3Config
})

export const userListResponse = z.array(userView)
export const createdUserResponse = userView.extend({ hmac_key: z.boolean() })
export const deletedUserResponse = z.object({ id: z.string() })
export const removedUserResponse = z.object({ id: z.string(), name: z.string(), jid: z.string() })
