import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AuthService } from '../../services/auth.js'
import type { HealthService } from '../../services/health.js'
import type { UsersService } from '../../services/users.js'
import type { WebhookConfigService } from '../../services/webhook-config.js'
import { userAuth } from '../middleware/auth.js'
import type { AppState } from '../state.js'
import { adminRouter } from './admin.js'
import { healthRouter } from './health.js'
import { webhookRouter } from './webhook.js'

export interface RouteDeps {
  auth: AuthService
  users: UsersService
  health: HealthService
  webhooks: WebhookConfigService
  /** JSON body parsing, mounted by each router after its auth check. */
  body: Middleware<AppState>
}

/** The whole API on one screen: every resource router, mounted in order. */
export function buildRouter (deps: RouteDeps): Router<AppState> {
  const root = new Router<AppState>()
  const user = { ...deps, userAuth: userAuth(deps.auth) }
  root.use(healthRouter(deps.health).routes())
  root.use(adminRouter(deps).routes())
  root.use(webhookRouter(user).routes())
  return root
}
