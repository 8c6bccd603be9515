import type { Middleware } from 'koa'
import { UnauthorizedError } from '../../errors.js'
import type { AuthService } from '../../services/auth.js'
import type { AppState } from '../state.js'

function bearer (value: string): string {
  return value.replace(/^Bearer\s+/i, '').trim()
}

/** Admin routes: `Authorization: <admin token>` (or `Bearer <admin token>`). */
export function adminAuth (auth: AuthService): Middleware<AppState> {
  return async (ctx, next) => {
    if (!auth.isAdmin(bearer(ctx.get('Authorization')))) throw new UnauthorizedError()
    await next()
  }
}

/**
 * User routes: the `Token` header, else the `token` query parameter (as wuzapi reads them), else
 * `Authorization` (some wuzapi clients send only that).
 */
export function userAuth (auth: AuthService): Middleware<AppState> {
  return async (ctx, next) => {
    const query = ctx.query.token
    const token = ctx.get('Token') || (Array.isArray(query) ? query[0] : query) || bearer(ctx.get('Authorization'))
    ctx.state.user = auth.authenticate(token)
    ctx.state.token = token
    await next()
  }
}
