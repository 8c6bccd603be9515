import { z } from 'zod'
import { events, webhookUrl } from './common.js'

/** wuzapi's media_delivery values this server supports ('' = download fields only; S3 is not supported). */
export const mediaDelivery = z.string().trim().toLowerCase()
  .refine(v => v === '' || v === 'base64', { message: 'must be "base64" or "" (S3 upload is not supported)' })

/** wuzapi's two body formats (`WEBHOOK_FORMAT`), per user; '' returns to the server's default. */
export const webhookFormat = z.string().trim().toLowerCase()
  .refine(v => v === '' || v === 'json' || v === 'form', { message: 'must be "json" or "form" (or "" for the server default)' })

/** `POST /webhook`: wuzapi reads `webhookURL`; `webhook` is accepted too (clients send both spellings). */
export const setWebhookSchema = z.object({
  webhookURL: webhookUrl.optional(),
  webhook: webhookUrl.optional(),
  events: events.optional(),
  /** Our extension: the body format of this user's deliveries ('' = the server's WEBHOOK_FORMAT). */
  format: webhookFormat.optional(),
  /** wuzapi's media_delivery: 'base64' embeds received media in Message webhooks. */
  media_delivery: mediaDelivery.optional()
})

/** `PUT /webhook`. */
export const updateWebhookSchema = z.object({
  webhook: webhookUrl.optional(),
  webhookURL: webhookUrl.optional(),
  events: events.optional(),
  format: webhookFormat.optional(),
  media_delivery: mediaDelivery.optional(),
  active: z.boolean().optional()
})

export const getWebhookResponse = z.object({ webhook: z.string(), subscribe: z.array(z.string()), format: z.enum(['json', 'form']), media_delivery: z.string() })

/** `POST /session/hmac/config`. */
export const hmacConfigSchema = z.object({ hmac_key: z.string().max(1024, 'must be at most 1024 characters') })
export const hmacConfigResponse = z.object({ hmac_key: z.string() })

const delivery = z.object({
  id: z.number(),
  eventId: z.string(),
  type: z.string(),
  target: z.enum(['user', 'global']),
  url: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable()
})

/** `GET /webhook/deliveries` query. */
export const deliveriesQuery = z.object({
  state: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1, 'must be between 1 and 500').max(500, 'must be between 1 and 500').default(50),
  before: z.coerce.number().int().min(1).optional()
})
export const deliveriesResponse = z.object({ deliveries: z.array(delivery), next_before: z.number().nullable() })
export const deliveryResponse = delivery
export const redeliverAllResponse = z.object({ Details: z.string(), count: z.number() })

/** A destination's delivery health, in `/session/status` (`webhook_status`). */
export const webhookHealth = z.object({
  target: z.enum(['user', 'global']),
  pending: z.number(),
  failed: z.number(),
  lastSuccessAt: z.string().nullable(),
  oldestPendingAt: z.string().nullable(),
  failingSince: z.string().nullable()
})
export const setWebhookResponse = z.object({ webhook: z.string() })
export const updateWebhookResponse = z.object({ webhook: z.string(), events: z.array(z.string()), active: z.boolean() })
