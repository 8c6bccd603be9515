import { z } from 'zod'
import { webhookUrl } from './admin.js'

const events = z.union([z.string(), z.array(z.string())])

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
