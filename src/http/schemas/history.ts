import { z } from 'zod'
import { LIMITS, text } from './common.js'

/** The most rows one `GET /chat/history` returns. */
export const MAX_HISTORY_PAGE = 10_000
/** The most message ids one `POST /chat/markread` takes. */
export const MAX_READ_IDS = 1000

/** `POST /session/history` (wuzapi: `{"history": N}`). */
export const setHistorySchema = z.object({ history: z.number().int('must be a whole number'), days_to_sync_history: z.number().optional() })
export const setHistoryResponse = z.object({ Details: z.string(), History: z.number(), DaysToSyncHistory: z.number().optional() })

/** `GET /session/history`: wuzapi's on-demand history request; absent fields come from the stored history. */
export const requestHistoryQuery = z.object({
  count: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').optional(),
  chat_jid: text(LIMITS.id).optional(),
  oldest_msg_id: text(LIMITS.id).optional(),
  oldest_msg_from_me: z.string().pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })).optional(),
  oldest_msg_timestamp: z.coerce.number().int('must be a whole number of milliseconds').min(0, 'must not be negative').optional()
})
export const requestHistoryResponse = z.object({
  details: z.string(),
  timestamp: z.number(),
  count: z.number(),
  chat_jid: z.string(),
  oldest_msg_id: z.string(),
  oldest_msg_from_me: z.boolean(),
  oldest_msg_timestamp: z.number()
})

/** `GET /chat/history?chat_jid=...&limit=...`. */
export const historyQuery = z.object({
  chat_jid: text(LIMITS.id),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_HISTORY_PAGE, `must be at most ${MAX_HISTORY_PAGE}`).optional()
})

const historyRow = z.object({
  id: z.number(),
  user_id: z.string(),
  chat_jid: z.string(),
  sender_jid: z.string(),
  from_me: z.boolean(),
  message_id: z.string(),
  timestamp: z.string(),
  message_type: z.string(),
  text_content: z.string(),
  media_link: z.string(),
  quoted_message_id: z.string().optional(),
  data_json: z.string()
})

/** The chat's rows, or for `chat_jid=index` the user's chats keyed by the user id. */
export const historyResponse = z.union([
  z.array(historyRow),
  z.record(z.string(), z.array(z.object({ chat_jid: z.string(), last_updated: z.string() })))
])

/** `POST /chat/send/edit`. */
export const editSchema = z.object({
  Phone: text(LIMITS.phone),
  Id: text(LIMITS.id),
  Body: text(LIMITS.text)
})

/** `POST /chat/delete`. */
export const revokeSchema = z.object({
  Phone: text(LIMITS.phone),
  Id: text(LIMITS.id)
})

/** `POST /chat/react`: `Body` '' or `remove` removes the reaction. */
export const reactSchema = z.object({
  Phone: text(LIMITS.phone),
  Id: text(LIMITS.id),
  Body: text(LIMITS.name).optional(),
  Participant: text(LIMITS.phone).optional()
})

/** `POST /chat/markread`: `ChatPhone` (or the older `Chat`) and `SenderPhone` (or `Sender`). */
export const markReadSchema = z.object({
  Id: z.union([text(LIMITS.id), z.array(text(LIMITS.id)).max(MAX_READ_IDS, `must have at most ${MAX_READ_IDS} entries`)]).optional(),
  ChatPhone: text(LIMITS.phone).optional(),
  Chat: text(LIMITS.phone).optional(),
  SenderPhone: text(LIMITS.phone).optional(),
  Sender: text(LIMITS.phone).optional()
})

/** `POST /chat/archive`. */
export const archiveSchema = z.object({
  jid: text(LIMITS.phone),
  archive: z.boolean().optional()
})

export const sendResponse = z.object({ Details: z.string(), Timestamp: z.number(), Id: z.string() })
export const archiveResponse = z.object({ success: z.boolean(), message: z.string() })
