import { z } from 'zod'

/**
 * Upper bounds on what a client may send, so a request cannot store megabytes in a name. Each is
 * well above any legitimate value; the 400 names the field and the limit.
 */
export const LIMITS = {
  name: 255,
  token: 1024,
  url: 2048,
  phone: 64,
  /** User ids, message ids, JIDs, pairing codes, fault kinds. */
  id: 256,
  eventName: 64,
  /** wuzapi knows about 45 event names; a few repeats are harmless. */
  events: 64,
  /** A CSV of event names. */
  eventsCsv: 4096,
  /** WhatsApp's own cap on a text message. */
  text: 65_536
} as const

/** A string of at most `max` characters. */
export function text (max: number): z.ZodString {
  return z.string().max(max, `must be at most ${max} characters`)
}

function isHttpUrl (value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** A webhook URL: empty (none) or an absolute http(s) URL. */
export const webhookUrl = z.string().trim().max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
  .refine(v => v === '' || isHttpUrl(v), { message: 'must be an absolute http:// or https:// URL', abort: true })

/** A list of event names. */
export const eventNames = z.array(text(LIMITS.eventName)).max(LIMITS.events, `must have at most ${LIMITS.events} entries`)

/** Event names as wuzapi's admin and webhook APIs take them: a CSV string (or, as an extension, a list). */
export const events = z.union([text(LIMITS.eventsCsv), eventNames])

/** Details of the last failed connection, or null. */
export const lastError = z.object({ code: z.number().optional(), message: z.string(), at: z.string() }).nullable()

/** wuzapi's `s3_config` (always disabled: S3 upload is not supported yet). */
export const s3Config = z.object({
  enabled: z.boolean(),
  endpoint: z.string(),
  region: z.string(),
  bucket: z.string(),
  access_key: z.string(),
  path_style: z.boolean(),
  public_url: z.string(),
  media_delivery: z.string(),
  retention_days: z.number()
})

/** `{"Details": "..."}`, wuzapi's answer to actions that return nothing else. */
export const details = z.object({ Details: z.string() })
