import Router from '@koa/router'
import type { Middleware } from 'koa'
import { ValidationError } from '../../errors.js'
import type { WebhookConfigService } from '../../services/webhook-config.js'
import { ok } from '../respond.js'
import { setWebhookSchema, updateWebhookSchema } from '../schemas/webhook.js'
import { currentUser, type AppState } from '../state.js'
import { parseInput } from '../validate.js'

export interface WebhookDeps { webhooks: WebhookConfigService, userAuth: Middleware<AppState>, body: Middleware<AppState> }

/** `/webhook`: the user's webhook URL and subscribed events (wuzapi's shapes). */
export function webhookRouter ({ webhooks, userAuth, body }: WebhookDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/webhook' })
  router.use(userAuth, body)

  router.get('/', ctx => {
    const { webhook, events } = webhooks.get(currentUser(ctx).id)
    ok(ctx, { webhook, subscribe: events })
  })

  router.post('/', ctx => {
    const input = parseInput(setWebhookSchema, ctx.request.body)
    const url = input.webhookURL ?? input.webhook
    if (url === undefined) throw new ValidationError('missing webhookURL in Payload')
    const { webhook } = webhooks.set(currentUser(ctx).id, url, input.events)
    ok(ctx, { webhook })
  })

  router.put('/', ctx => {
    const input = parseInput(updateWebhookSchema, ctx.request.body)
    const userId = currentUser(ctx).id
    if (input.active === false) {
      webhooks.clear(userId)
      ok(ctx, { webhook: '', events: [], active: false })
      return
    }
    const { webhook, events } = webhooks.set(userId, input.webhook ?? input.webhookURL, input.events)
    ok(ctx, { webhook, events, active: webhook !== '' })
  })

  router.delete('/', ctx => {
    webhooks.clear(currentUser(ctx).id)
    ok(ctx, { Details: 'Webhook and events deleted successfully' })
  })

  return router
}
