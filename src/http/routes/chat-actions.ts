import type { MessagingService } from '../../services/messaging.js'
import type { RouteDefinition } from '../route.js'

export interface ChatActionDeps { messaging: MessagingService }

/** `/chat/send/edit`, `/chat/delete`, `/chat/react`, `/chat/markread`, `/chat/archive`: acting on earlier messages. */
export const chatActionRoutes: Array<RouteDefinition<ChatActionDeps>> = []
