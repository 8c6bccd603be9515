import type { MessagingService } from '../../services/messaging.js'
import type { RouteDefinition } from '../route.js'

export interface HistoryDeps { messaging: MessagingService }

/** `POST /session/history` and `GET /chat/history`: the message history. */
export const historyRoutes: Array<RouteDefinition<HistoryDeps>> = []
