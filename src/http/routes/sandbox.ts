import type { SandboxService } from '../../services/sandbox.js'
import { routesWith } from '../route.js'
import {
  createPhoneSchema, expireMediaResponse, expireMediaSchema, faultResponse, faultSchema, pairResponse, pairSchema, phoneResponse, phoneSendResponse, phoneSendSchema,
  receivedResponse, scanResponse, scanSchema
} from '../schemas/sandbox.js'

export interface SandboxDeps { sandbox: SandboxService }

const route = routesWith<SandboxDeps>()

/** `/sandbox/*` (admin token, `WA_MODE=sandbox` only): drive the WhatsApp emulator (embedded, or SANDBOX_URL's). */
export const sandboxRoutes = [
  route({
    method: 'POST',
    path: '/sandbox/scan',
    summary: 'A virtual phone scans the user\'s QR code',
    auth: 'admin',
    body: scanSchema,
    response: scanResponse,
    handler: async ({ deps, body }) => await deps.sandbox.scanQr(body.UserID, body.Phone)
  }),
  route({
    method: 'POST',
    path: '/sandbox/pair',
    summary: 'A virtual phone enters a pairing code',
    auth: 'admin',
    body: pairSchema,
    response: pairResponse,
    handler: async ({ deps, body }) => await deps.sandbox.completePairing(body.Code, body.Phone)
  }),
  route({
    method: 'POST',
    path: '/sandbox/phones',
    summary: 'Create a virtual phone (or change its push name, about text and profile picture)',
    auth: 'admin',
    body: createPhoneSchema,
    response: phoneResponse,
    handler: async ({ deps, body }) => await deps.sandbox.createPhone(body.Phone, body.PushName, { about: body.About, picture: body.Picture })
  }),
  route({
    method: 'POST',
    path: '/sandbox/phones/:phone/send',
    summary: 'A virtual phone sends a message, reaction, edit, revoke, read receipt, chat state or presence, votes, calls, changes its picture or security code, or creates and changes groups',
    auth: 'admin',
    body: phoneSendSchema,
    response: phoneSendResponse,
    handler: async ({ deps, params, body }) => await deps.sandbox.phoneSend(params.phone ?? '', body)
  }),
  route({
    method: 'GET',
    path: '/sandbox/phones/:phone/messages',
    summary: 'What a virtual phone received, decoded',
    auth: 'admin',
    response: receivedResponse,
    handler: async ({ deps, params }) => ({ Messages: await deps.sandbox.received(params.phone ?? '') })
  }),
  route({
    method: 'POST',
    path: '/sandbox/fault',
    summary: 'Trigger a fault on the user\'s connections',
    auth: 'admin',
    body: faultSchema,
    response: faultResponse,
    handler: async ({ deps, body }) => await deps.sandbox.fault(body.UserID, body.Kind)
  }),
  route({
    method: 'POST',
    path: '/sandbox/media/expire',
    summary: 'Expire media on the sandbox\'s media host (downloads answer 410 until the phone uploads it again)',
    auth: 'admin',
    body: expireMediaSchema,
    response: expireMediaResponse,
    handler: async ({ deps, body }) => await deps.sandbox.expireMedia(body.Url, body.DirectPath)
  })
]
