import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AuthService } from '../../services/auth.js'
import type { HealthService } from '../../services/health.js'
import type { UsersService } from '../../services/users.js'
import type { SandboxService } from '../../services/sandbox.js'
import type { SessionsService } from '../../services/sessions.js'
import type { SubscriptionsService } from '../../services/subscriptions.js'
import { userAuth } from '../middleware/auth.js'
import type { AppState } from '../state.js'
import { adminRouter } from './admin.js'
import { healthRouter } from './health.js'
import { webhookRouter } from './webhook.js'
import { sandboxRouter } from './sandbox.js'
import { sessionRouter } from './session.js'

export interface RouteDeps {
  auth: AuthService
  users: UsersService
  health: HealthService
  subscriptions: SubscriptionsService
  sessions: SessionsService
  /** Present only in `WA_MODE=sandbox`: the `/sandbox` routes do not exist in live mode. */
  sandbox: SandboxService | undefined
  /** JSON body parsing, mounted by each router after its auth check. */
  body: Middleware<AppState>
}

/** The whole API on one screen: every resource router, mounted in order. */
export function buildRouter (deps: RouteDeps): Router<AppState> {
  const root = new Router<AppState>()
  const user = { ...deps, userAuth: userAuth(deps.auth) }
  root.use(healthRouter(deps.health).routes())
  root.use(adminRouter(deps).routes())
  root.use(sessionRouter(user).routes())
  root.use(webhookRouter(user).routes())
  if (deps.sandbox !== undefined) root.use(sandboxRouter({ ...deps, sandbox: deps.sandbox }).routes())
  return root
}
