import { z } from 'zod'

function isHttpUrl (value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** A webhook URL: empty (none) or an absolute http(s) URL. */
export const webhookUrl = z.string().trim().refine(v => v === '' || isHttpUrl(v), 'must be an absolute http:// or https:// URL')

/** Event names as wuzapi's admin API takes them: a CSV string (or, as an extension, a list). */
const events = z.union([z.string(), z.array(z.string())])

const userFields = {
  name: z.string(),
  token: z.string(),
  webhook: webhookUrl,
  events,
  expiration: z.number().int().nonnegative(),
  history: z.number().int().nonnegative(),
  proxyConfig: z.object({ enabled: z.boolean().optional(), proxyURL: z.string().optional() })
}

/** `POST /admin/users`. */
export const createUserSchema = z.object({
  ...userFields,
  token: userFields.token.optional(),
  webhook: userFields.webhook.optional(),
  events: userFields.events.optional(),
  expiration: userFields.expiration.optional(),
  history: userFields.history.optional(),
  proxyConfig: userFields.proxyConfig.optional()
})

/** `PUT /admin/users/{id}`: every field optional. */
export const updateUserSchema = z.object(userFields).partial()
