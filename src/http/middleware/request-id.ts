import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { AppState } from '../state.js'

const ACCEPTABLE = /^[\w.:-]{1,128}$/

/** Gives every request an id (the caller's `X-Request-Id` when sane) and echoes it in the response. */
export function requestId (): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id')
    ctx.state.requestId = ACCEPTABLE.test(incoming) ? incoming : randomUUID()
    ctx.set('X-Request-Id', ctx.state.requestId)
    await next()
  }
}
