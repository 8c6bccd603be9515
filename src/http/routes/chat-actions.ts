import type { MessageActionsService } from '../../services/message-actions.js'
import { routesWith } from '../route.js'
import { details } from '../schemas/common.js'
import { archiveResponse, archiveSchema, editSchema, markReadSchema, reactSchema, revokeSchema, sendResponse } from '../schemas/history.js'
import { currentUser } from '../state.js'

export interface ChatActionDeps { messageActions: MessageActionsService }

const route = routesWith<ChatActionDeps>()

/** The first of a field's spellings the client sent, with its name (for the error). */
function either (fields: Record<string, string | undefined>, fallback: string): { name: string, value: string } {
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value.trim() !== '') return { name, value }
  return { name: fallback, value: '' }
}

/** `/chat/send/edit`, `/chat/delete`, `/chat/react`, `/chat/markread`, `/chat/archive`: acting on earlier messages. */
export const chatActionRoutes = [
  route({
    method: 'POST',
    path: '/chat/send/edit',
    summary: 'Edit a message of ours',
    auth: 'user',
    body: editSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.messageActions.edit(currentUser(ctx).id, body.Phone, body.Id, body.Body)
  }),
  route({
    method: 'POST',
    path: '/chat/delete',
    summary: 'Delete a message of ours for everyone',
    auth: 'user',
    body: revokeSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.messageActions.revoke(currentUser(ctx).id, body.Phone, body.Id)
  }),
  route({
    method: 'POST',
    path: '/chat/react',
    summary: 'React to a message (empty or "remove" removes the reaction)',
    auth: 'user',
    body: reactSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.messageActions.react(currentUser(ctx).id, body.Phone, body.Id, body.Body ?? '', body.Participant)
  }),
  route({
    method: 'POST',
    path: '/chat/markread',
    summary: 'Send read receipts for messages',
    auth: 'user',
    body: markReadSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.messageActions.markRead(
      currentUser(ctx).id,
      typeof body.Id === 'string' ? [body.Id] : body.Id ?? [],
      either({ ChatPhone: body.ChatPhone, Chat: body.Chat }, 'ChatPhone'),
      body.SenderPhone === undefined && body.Sender === undefined ? undefined : either({ SenderPhone: body.SenderPhone, Sender: body.Sender }, 'SenderPhone')
    )
  }),
  route({
    method: 'POST',
    path: '/chat/archive',
    summary: 'Archive or unarchive a chat',
    auth: 'user',
    body: archiveSchema,
    response: archiveResponse,
    handler: async ({ ctx, deps, body }) => await deps.messageActions.archive(currentUser(ctx).id, body.jid, body.archive ?? false)
  })
]
