import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AuthService } from '../../services/auth.js'
import type { SandboxService } from '../../services/sandbox.js'
import { adminAuth } from '../middleware/auth.js'
import { ok } from '../respond.js'
import { createPhoneSchema, faultSchema, pairSchema, phoneSendSchema, scanSchema } from '../schemas/sandbox.js'
import type { AppState } from '../state.js'
import { parseInput } from '../validate.js'

export interface SandboxDeps { auth: AuthService, sandbox: SandboxService, body: Middleware<AppState> }

/** `/sandbox/*` (admin token, `WA_MODE=sandbox` only): drive the embedded WhatsApp emulator. */
export function sandboxRouter ({ auth, sandbox, body }: SandboxDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/sandbox' })
  router.use(adminAuth(auth), body)

  router.post('/scan', async ctx => {
    const { UserID, Phone } = parseInput(scanSchema, ctx.request.body)
    ok(ctx, await sandbox.scanQr(UserID, Phone))
  })

  router.post('/pair', async ctx => {
    const { Code, Phone } = parseInput(pairSchema, ctx.request.body)
    ok(ctx, await sandbox.completePairing(Code, Phone))
  })

  router.post('/phones', ctx => {
    const { Phone, PushName } = parseInput(createPhoneSchema, ctx.request.body)
    ok(ctx, sandbox.createPhone(Phone, PushName))
  })

  router.post('/phones/:phone/send', async ctx => {
    const { To, Body } = parseInput(phoneSendSchema, ctx.request.body)
    ok(ctx, await sandbox.phoneSendText(ctx.params.phone ?? '', To, Body))
  })

  router.get('/phones/:phone/messages', async ctx => { ok(ctx, { Messages: await sandbox.received(ctx.params.phone ?? '') }) })

  router.post('/fault', ctx => {
    const { UserID, Kind } = parseInput(faultSchema, ctx.request.body)
    ok(ctx, sandbox.fault(UserID, Kind))
  })

  return router
}
