import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AuthService } from '../../services/auth.js'
import type { UsersService } from '../../services/users.js'
import { adminAuth } from '../middleware/auth.js'
import { ok } from '../respond.js'
import { createUserSchema, updateUserSchema } from '../schemas/admin.js'
import type { AppState } from '../state.js'
import { parseInput } from '../validate.js'

export interface AdminDeps { auth: AuthService, users: UsersService, body: Middleware<AppState> }

/** `/admin/users...`: user management with the admin token (wuzapi's shapes). */
export function adminRouter ({ auth, users, body }: AdminDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/admin' })
  router.use(adminAuth(auth), body)

  router.get('/users', ctx => { ok(ctx, users.list()) })

  router.get('/users/:id', ctx => { ok(ctx, users.find(ctx.params.id ?? '')) })

  router.post('/users', ctx => {
    const user = users.create(parseInput(createUserSchema, ctx.request.body))
    ok(ctx, { ...user, hmac_key: false }, 201)
  })

  router.put('/users/:id', ctx => {
    const user = users.update(ctx.params.id ?? '', parseInput(updateUserSchema, ctx.request.body))
    ctx.body = { code: 200, data: user, message: 'user updated successfully', success: true }
  })

  router.delete('/users/:id', async ctx => {
    const user = await users.delete(ctx.params.id ?? '')
    ctx.body = { code: 200, data: { id: user.id }, details: 'user deleted successfully', success: true }
  })

  router.delete('/users/:id/full', async ctx => {
    const user = await users.delete(ctx.params.id ?? '')
    ctx.body = { code: 200, data: { id: user.id, name: user.name, jid: user.jid }, details: 'user instance removed completely', success: true }
  })

  return router
}
