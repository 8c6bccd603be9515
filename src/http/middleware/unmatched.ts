import type { Middleware } from 'koa'
import { MethodNotAllowedError, NotImplementedError, RouteNotFoundError } from '../../errors.js'
import type { AppState } from '../state.js'

/**
 * Runs after the routers: a request no route answered becomes an enveloped 404, 405 (path known,
 * method not; the `Allow` header lists the methods) or 501 (a method no route implements).
 */
export function unmatched (): Middleware<AppState> {
  return async (ctx, next) => {
    await next()
    if (ctx.body !== undefined && ctx.body !== null) return
    if (ctx.status === 405) throw new MethodNotAllowedError(ctx.method, ctx.response.get('Allow'))
    if (ctx.status === 501) throw new NotImplementedError(ctx.method)
    if (ctx.status === 404) throw new RouteNotFoundError(ctx.method, ctx.path)
  }
}
