import { z } from 'zod'

/** `GET /health` (no envelope, as in wuzapi). */
export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  timestamp: z.string(),
  uptime: z.string(),
  uptime_seconds: z.number(),
  database: z.enum(['ok', 'error']),
  total_users: z.number(),
  connected_users: z.number(),
  logged_in_users: z.number(),
  sessions: z.record(z.string(), z.number()),
  webhooks: z.object({ pending: z.number(), oldest_pending_age_seconds: z.number(), failing_users: z.number() }).optional()
})
