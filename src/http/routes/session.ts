import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { SessionsService } from '../../services/sessions.js'
import { ok } from '../respond.js'
import { connectSchema, pairPhoneSchema } from '../schemas/session.js'
import { currentUser, type AppState } from '../state.js'
import { parseInput } from '../validate.js'

export interface SessionDeps { sessions: SessionsService, userAuth: Middleware<AppState>, body: Middleware<AppState> }

/** `/session/*`: connect, QR, pairing code, status, disconnect, logout. */
export function sessionRouter ({ sessions, userAuth, body }: SessionDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/session' })
  router.use(userAuth, body)

  router.post('/connect', async ctx => {
    const input = parseInput(connectSchema, ctx.request.body)
    ok(ctx, await sessions.connect(currentUser(ctx), input.Subscribe, input.Immediate ?? false))
  })

  router.post('/disconnect', async ctx => { ok(ctx, await sessions.disconnect(currentUser(ctx))) })

  router.post('/logout', async ctx => { ok(ctx, await sessions.logout(currentUser(ctx))) })

  router.get('/status', ctx => { ok(ctx, sessions.status(currentUser(ctx), ctx.state.token ?? '')) })

  router.get('/qr', async ctx => { ok(ctx, await sessions.qr(currentUser(ctx))) })

  router.post('/pairphone', async ctx => {
    const { Phone } = parseInput(pairPhoneSchema, ctx.request.body)
    ok(ctx, await sessions.pairPhone(currentUser(ctx), Phone))
  })

  return router
}
