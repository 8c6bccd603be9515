import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AuthService } from '../../services/auth.js'
import type { HealthService } from '../../services/health.js'
import type { UsersService } from '../../services/users.js'
import type { SandboxService } from '../../services/sandbox.js'
import type { MediaMessagesService } from '../../services/media-messages.js'
import type { DownloadsService } from '../../services/downloads.js'
import type { MessagingService } from '../../services/messaging.js'
import type { HistoryService } from '../../services/history.js'
import type { MessageActionsService } from '../../services/message-actions.js'
import type { SessionsService } from '../../services/sessions.js'
import type { DeliveriesService } from '../../services/deliveries.js'
import type { EventStreamService } from '../../services/event-stream.js'
import type { WebhookKeysService } from '../../services/webhook-keys.js'
import type { GroupsService } from '../../services/groups.js'
import type { ContactsService } from '../../services/contacts.js'
import type { UserDirectoryService } from '../../services/user-directory.js'
import type { ProxyService } from '../../services/proxy.js'
import { adminAuth, userAuth } from '../middleware/auth.js'
import { buildRoutes, type RouteDefinition, type RouteMounts } from '../route.js'
import type { SubscriptionsService } from '../../services/subscriptions.js'
import type { AppState } from '../state.js'
import { adminRoutes } from './admin.js'
import { healthRoutes } from './health.js'
import { webhookRoutes } from './webhook.js'
import { deliveryRoutes } from './deliveries.js'
import { eventStreamRoutes } from './events.js'
import { chatActionRoutes } from './chat-actions.js'
import { chatMediaRoutes } from './chat-media.js'
import { chatDownloadRoutes } from './chat-download.js'
import { chatRoutes } from './chat.js'
import { groupRoutes } from './group.js'
import { historyRoutes } from './history.js'
import { sandboxRoutes } from './sandbox.js'
import { sessionRoutes } from './session.js'
import { userRoutes } from './user.js'
import { proxyRoutes } from './proxy.js'
import { docsRoutes } from './docs.js'
import { metricsRoutes } from './metrics.js'
import type { MetricsService } from '../../services/metrics.js'
import { buildOpenApi } from '../openapi.js'
import { VERSION } from '../../util/package-info.js'

export interface RouteDeps {
  auth: AuthService
  users: UsersService
  health: HealthService
  subscriptions: SubscriptionsService
  sessions: SessionsService
  messaging: MessagingService
  mediaMessages: MediaMessagesService
  downloads: DownloadsService
  history: HistoryService
  messageActions: MessageActionsService
  deliveries: DeliveriesService
  webhookKeys: WebhookKeysService
  eventStream: EventStreamService
  groups: GroupsService
  userDirectory: UserDirectoryService
  contacts: ContactsService
  proxy: ProxyService
  /** Present only in `WA_MODE=sandbox`: the `/sandbox` routes do not exist in live mode. */
  sandbox: SandboxService | undefined
  /** The body parsers routes pick by name; each runs after the route's auth check. */
  parsers: RouteMounts['parsers']
  metrics: MetricsService
  /** `METRICS_TOKEN` (undefined: `/metrics` is open). */
  metricsToken: string | undefined
  /** Middleware run after a user's or the admin's auth check (the rate limit). */
  guards?: { user: ReadonlyArray<Middleware<AppState>>, admin: ReadonlyArray<Middleware<AppState>> }
}

/** Every route of the API, by router, as data (for docs and the OpenAPI document). */
export const ROUTE_TABLE: Readonly<Record<string, ReadonlyArray<RouteDefinition>>> = {
  health: healthRoutes,
  admin: adminRoutes,
  session: sessionRoutes,
  chat: chatRoutes,
  chatActions: chatActionRoutes,
  chatMedia: chatMediaRoutes,
  chatDownload: chatDownloadRoutes,
  history: historyRoutes,
  webhook: webhookRoutes,
  deliveries: deliveryRoutes,
  eventStream: eventStreamRoutes,
  group: groupRoutes,
  user: userRoutes,
  proxy: proxyRoutes,
  sandbox: sandboxRoutes,
  docs: docsRoutes,
  metrics: metricsRoutes
}

/** The OpenAPI document's text, with and without the sandbox routes: built once per process, when first asked for (~70 ms). */
const openApiTexts = new Map<boolean, string>()
function openApiText (withSandbox: boolean): string {
  let text = openApiTexts.get(withSandbox)
  if (text === undefined) {
    // the document of what is mounted (no /sandbox routes in live mode)
    const mounted = Object.fromEntries(Object.entries(ROUTE_TABLE).filter(([name]) => name !== 'sandbox' || withSandbox))
    text = JSON.stringify(buildOpenApi(mounted, { title: 'wuzapi-ts', version: VERSION, description: 'A wuzapi-compatible WhatsApp HTTP API. Answers use the envelope {code, data, success}; errors {code, error, success, reason}.' }))
    openApiTexts.set(withSandbox, text)
  }
  return text
}

/** The whole API on one screen: every resource router, mounted in order. */
export function buildRouter (deps: RouteDeps): Router<AppState> {
  const admin: Middleware<AppState> = adminAuth(deps.auth)
  const user: Middleware<AppState> = userAuth(deps.auth)
  const mounts: RouteMounts = { auth: { admin: [admin, ...deps.guards?.admin ?? []], user: [user, ...deps.guards?.user ?? []], none: [] }, parsers: deps.parsers }
  const root = new Router<AppState>()
  root.use(buildRoutes(healthRoutes, deps, mounts).routes())
  root.use(buildRoutes(adminRoutes, deps, mounts).routes())
  root.use(buildRoutes(sessionRoutes, deps, mounts).routes())
  root.use(buildRoutes(chatRoutes, deps, mounts).routes())
  root.use(buildRoutes(chatActionRoutes, deps, mounts).routes())
  root.use(buildRoutes(chatMediaRoutes, deps, mounts).routes())
  root.use(buildRoutes(chatDownloadRoutes, deps, mounts).routes())
  root.use(buildRoutes(historyRoutes, deps, mounts).routes())
  root.use(buildRoutes(webhookRoutes, deps, mounts).routes())
  root.use(buildRoutes(deliveryRoutes, deps, mounts).routes())
  root.use(buildRoutes(eventStreamRoutes, deps, mounts).routes())
  root.use(buildRoutes(groupRoutes, deps, mounts).routes())
  root.use(buildRoutes(userRoutes, deps, mounts).routes())
  root.use(buildRoutes(proxyRoutes, deps, mounts).routes())
  if (deps.sandbox !== undefined) root.use(buildRoutes(sandboxRoutes, { sandbox: deps.sandbox }, mounts).routes())
  root.use(buildRoutes(docsRoutes, { openapi: () => openApiText(deps.sandbox !== undefined) }, mounts).routes())
  root.use(buildRoutes(metricsRoutes, { metrics: deps.metrics, metricsToken: deps.metricsToken }, mounts).routes())
  return root
}
