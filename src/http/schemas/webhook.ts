import { z } from 'zod'
import { events, webhookUrl } from './common.js'

/** `POST /webhook`: wuzapi reads `webhookURL`; `webhook` is accepted too (clients send both spellings). */
export const setWebhookSchema = z.object({
  webhookURL: webhookUrl.optional(),
  webhook: webhookUrl.optional(),
  events: events.optional()
})

/** `PUT /webhook`. */
export const updateWebhookSchema = z.object({
  webhook: webhookUrl.optional(),
  webhookURL: webhookUrl.optional(),
  events: events.optional(),
  active: z.boolean().optional()
})

export const getWebhookResponse = z.object({ webhook: z.string(), subscribe: z.array(z.string()) })
export const setWebhookResponse = z.object({ webhook: z.string() })
export const updateWebhookResponse = z.object({ webhook: z.string(), events: z.array(z.string()), active: z.boolean() })
