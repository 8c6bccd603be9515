import type { MessagingService } from '../../services/messaging.js'
import type { RouteDefinition } from '../route.js'

export interface ChatDeps { messaging: MessagingService }

/** `/chat/send/text|location|contact|poll`, `/chat/presence`, `/status/set/text`, `/call/reject`: sends and chat state. */
export const chatRoutes: Array<RouteDefinition<ChatDeps>> = []
