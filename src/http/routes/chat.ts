import { rejectCall, sendButtons, sendContact, sendList, sendLocation, sendPoll, sendText, setChatPresence, setStatusText } from '../../services/chat.js'
import type { MessagingService } from '../../services/messaging.js'
import { routesWith } from '../route.js'
import { details } from '../schemas/common.js'
import {
  callRejectResponse, presenceSchema, rejectCallSchema, sendButtonsSchema, sendContactSchema, sendListSchema, sendLocationSchema,
  sendPollSchema, sendResponse, sendTextSchema, statusTextSchema
} from '../schemas/chat.js'
import { currentUser } from '../state.js'

export interface ChatDeps { messaging: MessagingService }

const route = routesWith<ChatDeps>()

/** `/chat/send/text|location|contact|poll|buttons|list`, `/chat/presence`, `/status/set/text`, `/call/reject`: sends and chat state. */
export const chatRoutes = [
  route({
    method: 'POST',
    path: '/chat/send/text',
    summary: 'Send a text message (a reply, with mentions)',
    auth: 'user',
    body: sendTextSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await sendText(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/chat/send/location',
    summary: 'Send a location',
    auth: 'user',
    body: sendLocationSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await sendLocation(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/chat/send/contact',
    summary: 'Send a contact card (vCard)',
    auth: 'user',
    body: sendContactSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await sendContact(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/chat/send/poll',
    summary: 'Send a poll',
    auth: 'user',
    body: sendPollSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await sendPoll(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/chat/send/buttons',
    summary: 'Send a message with reply or call-to-action buttons',
    auth: 'user',
    body: sendButtonsSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await sendButtons(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/chat/send/list',
    summary: 'Send a list message (a menu of rows in sections)',
    auth: 'user',
    body: sendListSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await sendList(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/chat/presence',
    summary: 'Show typing, recording or paused in a chat',
    auth: 'user',
    body: presenceSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await setChatPresence(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/status/set/text',
    summary: 'Set the profile\'s "about" text',
    auth: 'user',
    body: statusTextSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await setStatusText(deps.messaging, currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/call/reject',
    summary: 'Reject an incoming call',
    auth: 'user',
    body: rejectCallSchema,
    response: callRejectResponse,
    handler: async ({ ctx, deps, body }) => await rejectCall(deps.messaging, currentUser(ctx).id, body)
  })
]
