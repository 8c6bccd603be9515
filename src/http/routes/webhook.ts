import Router from '@koa/router'
import type { Middleware } from 'koa'
import { ValidationError } from '../../errors.js'
import type { SubscriptionsService } from '../../services/subscriptions.js'
import { ok } from '../respond.js'
import { setWebhookSchema, updateWebhookSchema } from '../schemas/webhook.js'
import { currentUser, type AppState } from '../state.js'
import { parseInput } from '../validate.js'

export interface WebhookDeps { subscriptions: SubscriptionsService, userAuth: Middleware<AppState>, body: Middleware<AppState> }

/** `/webhook`: the user's webhook URL and subscribed events (wuzapi's shapes). */
export function webhookRouter ({ subscriptions, userAuth, body }: WebhookDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/webhook' })
  router.use(userAuth, body)

  router.get('/', ctx => {
    const { webhook, events } = subscriptions.get(currentUser(ctx).id)
    ok(ctx, { webhook, subscribe: events })
  })

  router.post('/', ctx => {
    const input = parseInput(setWebhookSchema, ctx.request.body)
    const url = input.webhookURL ?? input.webhook
    if (url === undefined) throw new ValidationError('missing webhookURL in Payload')
    const { webhook } = subscriptions.set(currentUser(ctx).id, { webhook: url, events: input.events })
    ok(ctx, { webhook })
  })

  router.put('/', ctx => {
    const input = parseInput(updateWebhookSchema, ctx.request.body)
    const userId = currentUser(ctx).id
    if (input.active === false) {
      subscriptions.clear(userId)
      ok(ctx, { webhook: '', events: [], active: false })
      return
    }
    const { webhook, events } = subscriptions.set(userId, { webhook: input.webhook ?? input.webhookURL, events: input.events })
    ok(ctx, { webhook, events, active: webhook !== '' })
  })

  router.delete('/', ctx => {
    subscriptions.clear(currentUser(ctx).id)
    ok(ctx, { Details: 'Webhook and events deleted successfully' })
  })

  return router
}
