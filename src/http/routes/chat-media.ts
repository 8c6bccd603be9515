import type { MessagingService } from '../../services/messaging.js'
import type { RouteDefinition } from '../route.js'

export interface ChatMediaDeps { messaging: MessagingService }

/** `/chat/send/image|document|audio|video|sticker`: media sends. */
export const chatMediaRoutes: Array<RouteDefinition<ChatMediaDeps>> = []
