import { z } from 'zod'
import { webhookHealth } from './webhook.js'
import { eventNames, lastError, LIMITS, s3Config, text } from './common.js'

/** `POST /session/connect`. */
export const connectSchema = z.object({
  Subscribe: eventNames.optional(),
  Immediate: z.boolean().optional()
})

/** `POST /session/pairphone`. */
export const pairPhoneSchema = z.object({
  Phone: text(LIMITS.phone).trim().min(1)
})

export const connectResponse = z.object({
  details: z.string(),
  events: z.string(),
  jid: z.string(),
  webhook: z.string(),
  state: z.string(),
  lastError
})

/** wuzapi's status (both spellings of connected/loggedIn) plus `state`, `lastError` and `pushName`. */
export const statusResponse = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  jid: z.string(),
  pushName: z.string(),
  webhook: z.string(),
  events: z.string(),
  connected: z.boolean(),
  loggedIn: z.boolean(),
  Connected: z.boolean(),
  LoggedIn: z.boolean(),
  state: z.string(),
  lastError,
  qrcode: z.string(),
  proxy_url: z.string(),
  history: z.string(),
  proxy_config: z.object({ enabled: z.boolean(), proxy_url: z.string() }),
  s3_config: s3Config,
  hmac_configured: z.boolean(),
  /** Delivery health per destination (the user's webhook, the global webhook): last success, oldest pending event, failing since. */
  webhook_status: z.array(webhookHealth)
})

export const qrResponse = z.object({ QRCode: z.string() })
export const pairPhoneResponse = z.object({ LinkingCode: z.string() })
