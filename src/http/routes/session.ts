import type { SessionsService } from '../../services/sessions.js'
import { routesWith } from '../route.js'
import { details } from '../schemas/common.js'
import { connectResponse, connectSchema, pairPhoneResponse, pairPhoneSchema, qrResponse, statusResponse } from '../schemas/session.js'
import { currentUser } from '../state.js'

export interface SessionDeps { sessions: SessionsService }

const route = routesWith<SessionDeps>()

/** `/session/*`: connect, QR, pairing code, status, disconnect, logout. */
export const sessionRoutes = [
  route({
    method: 'POST',
    path: '/session/connect',
    summary: 'Start the WhatsApp session',
    auth: 'user',
    body: connectSchema,
    response: connectResponse,
    handler: async ({ ctx, deps, body }) => await deps.sessions.connect(currentUser(ctx), body.Subscribe, body.Immediate ?? false)
  }),
  route({
    method: 'POST',
    path: '/session/disconnect',
    summary: 'Close the socket, keeping the login',
    auth: 'user',
    response: details,
    handler: async ({ ctx, deps }) => await deps.sessions.disconnect(currentUser(ctx))
  }),
  route({
    method: 'POST',
    path: '/session/logout',
    summary: 'Log out and wipe the login',
    auth: 'user',
    response: details,
    handler: async ({ ctx, deps }) => await deps.sessions.logout(currentUser(ctx))
  }),
  route({
    method: 'GET',
    path: '/session/status',
    summary: 'Session status',
    auth: 'user',
    response: statusResponse,
    handler: ({ ctx, deps }) => deps.sessions.status(currentUser(ctx), ctx.state.token ?? '')
  }),
  route({
    method: 'GET',
    path: '/session/qr',
    summary: 'The current QR code as a PNG data URL',
    auth: 'user',
    response: qrResponse,
    handler: async ({ ctx, deps }) => await deps.sessions.qr(currentUser(ctx))
  }),
  route({
    method: 'POST',
    path: '/session/pairphone',
    summary: 'Request a pairing code for a phone number',
    auth: 'user',
    body: pairPhoneSchema,
    response: pairPhoneResponse,
    handler: async ({ ctx, deps, body }) => await deps.sessions.pairPhone(currentUser(ctx), body.Phone)
  })
]
