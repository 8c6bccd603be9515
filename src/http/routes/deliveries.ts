import { ValidationError } from '../../errors.js'
import type { DeliveriesService } from '../../services/deliveries.js'
import type { WebhookKeysService } from '../../services/webhook-keys.js'
import { routesWith } from '../route.js'
import { details } from '../schemas/common.js'
import { deliveriesQuery, deliveriesResponse, deliveryResponse, hmacConfigResponse, hmacConfigSchema, redeliverAllResponse } from '../schemas/webhook.js'
import { currentUser } from '../state.js'

export interface DeliveriesDeps { deliveries: DeliveriesService, webhookKeys: WebhookKeysService }

const route = routesWith<DeliveriesDeps>()

function deliveryId (raw: string | undefined): number {
  const id = Number(raw)
  if (!Number.isSafeInteger(id) || id < 1) throw new ValidationError(`invalid delivery id "${raw ?? ''}": must be a positive whole number`)
  return id
}

/** Webhook deliveries (recent attempts, redelivery) and wuzapi's `/session/hmac/config` signing key. */
export const deliveryRoutes = [
  route({
    method: 'GET',
    path: '/webhook/deliveries',
    summary: 'Recent webhook deliveries, newest first (filter by state; page with before)',
    auth: 'user',
    bodyParser: 'none',
    query: deliveriesQuery,
    response: deliveriesResponse,
    handler: ({ ctx, deps, query }) => {
      const { deliveries, next } = deps.deliveries.list(currentUser(ctx).id, query)
      return { deliveries, next_before: next }
    }
  }),
  route({
    method: 'GET',
    path: '/webhook/deliveries/:id',
    summary: 'One webhook delivery',
    auth: 'user',
    bodyParser: 'none',
    response: deliveryResponse,
    handler: ({ ctx, deps, params }) => deps.deliveries.get(currentUser(ctx).id, deliveryId(params.id))
  }),
  route({
    method: 'POST',
    path: '/webhook/deliveries/redeliver',
    summary: 'Send every failed (dead-lettered) delivery again',
    auth: 'user',
    bodyParser: 'none',
    response: redeliverAllResponse,
    handler: ({ ctx, deps }) => {
      const count = deps.deliveries.redeliverFailed(currentUser(ctx).id)
      return { Details: `${count} failed deliveries queued again`, count }
    }
  }),
  route({
    method: 'POST',
    path: '/webhook/deliveries/:id/redeliver',
    summary: 'Send a delivered or failed delivery again',
    auth: 'user',
    bodyParser: 'none',
    response: deliveryResponse,
    handler: ({ ctx, deps, params }) => deps.deliveries.redeliver(currentUser(ctx).id, deliveryId(params.id))
  }),
  route({
    method: 'GET',
    path: '/session/hmac/config',
    summary: 'Whether a webhook signing key is set (never the key)',
    auth: 'user',
    bodyParser: 'none',
    envelope: false,
    response: hmacConfigResponse,
    handler: ({ ctx, deps }) => ({ hmac_key: deps.webhookKeys.configured(currentUser(ctx).id) ? '***' : '' })
  }),
  route({
    method: 'POST',
    path: '/session/hmac/config',
    summary: 'Set the webhook signing key (at least 32 characters)',
    auth: 'user',
    body: hmacConfigSchema,
    envelope: false,
    response: details,
    handler: ({ ctx, deps, body }) => {
      deps.webhookKeys.set(currentUser(ctx).id, body.hmac_key)
      return { Details: 'HMAC configuration saved successfully' }
    }
  }),
  route({
    method: 'DELETE',
    path: '/session/hmac/config',
    summary: 'Remove the webhook signing key',
    auth: 'user',
    bodyParser: 'none',
    envelope: false,
    response: details,
    handler: ({ ctx, deps }) => {
      deps.webhookKeys.clear(currentUser(ctx).id)
      return { Details: 'HMAC configuration deleted successfully' }
    }
  })
]
