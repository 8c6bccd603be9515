import type { HistoryService } from '../../services/history.js'
import type { MessagingService } from '../../services/messaging.js'
import { routesWith } from '../route.js'
import { historyQuery, historyResponse, requestHistoryQuery, requestHistoryResponse, setHistoryResponse, setHistorySchema } from '../schemas/history.js'
import { currentUser } from '../state.js'

export interface HistoryDeps { messaging: MessagingService, history: HistoryService }

const route = routesWith<HistoryDeps>()

const DEFAULT_LIMIT = 50

/** `POST /session/history` and `GET /chat/history`: the message history. */
export const historyRoutes = [
  route({
    method: 'POST',
    path: '/session/history',
    summary: 'Set how many messages per chat the history keeps (0 disables it)',
    auth: 'user',
    body: setHistorySchema,
    response: setHistoryResponse,
    handler: ({ ctx, deps, body }) => deps.history.configure(currentUser(ctx).id, body.history, body.days_to_sync_history)
  }),
  route({
    method: 'GET',
    path: '/session/history',
    summary: 'Ask the phone for older messages of a chat (they arrive as a HistorySync event)',
    auth: 'user',
    query: requestHistoryQuery,
    response: requestHistoryResponse,
    handler: async ({ ctx, deps, query }) => {
      const chat = query.chat_jid === undefined || query.chat_jid.trim() === '' ? undefined : deps.messaging.recipient(query.chat_jid, 'chat_jid')
      const fromMe = query.oldest_msg_from_me === undefined ? undefined : query.oldest_msg_from_me === 'true' || query.oldest_msg_from_me === '1'
      return await deps.history.requestSync(currentUser(ctx).id, {
        count: query.count ?? DEFAULT_LIMIT,
        chat,
        oldestId: query.oldest_msg_id,
        oldestFromMe: fromMe,
        oldestTimestampMs: query.oldest_msg_timestamp
      })
    }
  }),
  route({
    method: 'GET',
    path: '/chat/history',
    summary: 'A chat\'s stored messages, newest first (chat_jid=index: the chats)',
    auth: 'user',
    query: historyQuery,
    response: historyResponse,
    handler: ({ ctx, deps, query }) => {
      const userId = currentUser(ctx).id
      if (query.chat_jid.trim() === 'index') return deps.history.index(userId)
      const chat = deps.messaging.recipient(query.chat_jid, 'chat_jid')
      return deps.history.list(userId, chat, query.limit ?? DEFAULT_LIMIT)
    }
  })
]
