import { ValidationError } from '../../errors.js'
import type { SubscriptionsService } from '../../services/subscriptions.js'
import { routesWith } from '../route.js'
import { details } from '../schemas/common.js'
import { getWebhookResponse, setWebhookResponse, setWebhookSchema, updateWebhookResponse, updateWebhookSchema } from '../schemas/webhook.js'
import { currentUser } from '../state.js'

export interface WebhookDeps { subscriptions: SubscriptionsService }

const route = routesWith<WebhookDeps>()

/** `/webhook`: the user's webhook URL and subscribed events (wuzapi's shapes). */
export const webhookRoutes = [
  route({
    method: 'GET',
    path: '/webhook',
    summary: 'The webhook URL and subscribed events',
    auth: 'user',
    response: getWebhookResponse,
    handler: ({ ctx, deps }) => {
      const { webhook, events, format, media_delivery: mediaDelivery } = deps.subscriptions.get(currentUser(ctx).id)
      return { webhook, subscribe: events, format, media_delivery: mediaDelivery }
    }
  }),
  route({
    method: 'POST',
    path: '/webhook',
    summary: 'Set the webhook URL (and events)',
    auth: 'user',
    body: setWebhookSchema,
    response: setWebhookResponse,
    handler: ({ ctx, deps, body }) => {
      const url = body.webhookURL ?? body.webhook
      if (url === undefined) throw new ValidationError('missing webhookURL in Payload')
      const { webhook } = deps.subscriptions.set(currentUser(ctx).id, { webhook: url, events: body.events, format: body.format, mediaDelivery: body.media_delivery })
      return { webhook }
    }
  }),
  route({
    method: 'PUT',
    path: '/webhook',
    summary: 'Update or deactivate the webhook',
    auth: 'user',
    body: updateWebhookSchema,
    response: updateWebhookResponse,
    handler: ({ ctx, deps, body }) => {
      const userId = currentUser(ctx).id
      if (body.active === false) {
        deps.subscriptions.clear(userId)
        return { webhook: '', events: [], active: false }
      }
      const { webhook, events } = deps.subscriptions.set(userId, { webhook: body.webhook ?? body.webhookURL, events: body.events, format: body.format, mediaDelivery: body.media_delivery })
      return { webhook, events, active: webhook !== '' }
    }
  }),
  route({
    method: 'DELETE',
    path: '/webhook',
    summary: 'Remove the webhook and the subscription',
    auth: 'user',
    response: details,
    handler: ({ ctx, deps }) => {
      deps.subscriptions.clear(currentUser(ctx).id)
      return { Details: 'Webhook and events deleted successfully' }
    }
  })
]
