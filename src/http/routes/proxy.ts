import type { ProxyService } from '../../services/proxy.js'
import { routesWith } from '../route.js'
import { proxyResponse, proxySchema } from '../schemas/proxy.js'
import { currentUser } from '../state.js'

export interface ProxyDeps { proxy: ProxyService }

const route = routesWith<ProxyDeps>()

/** `/session/proxy`: the proxy the user's WhatsApp traffic and webhooks go through. */
export const proxyRoutes = [
  route({
    method: 'POST',
    path: '/session/proxy',
    summary: 'Set (or disable) the proxy of the WhatsApp socket, media and webhooks',
    auth: 'user',
    body: proxySchema,
    response: proxyResponse,
    handler: ({ ctx, deps, body }) => deps.proxy.configure(currentUser(ctx).id, body)
  })
]
