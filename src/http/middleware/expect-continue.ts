import type { Middleware } from 'koa'
import type { AppState } from '../state.js'

const continued = new WeakSet<object>()

/**
 * `Expect: 100-continue`: the listener no longer answers 100 by itself (see listen), so a client
 * waits to send its body until a body parser is about to read it, after the auth check and the
 * media gate. A request refused before (401, 429, 503) never has its body sent.
 */
export function continueBeforeBody (parser: Middleware<AppState>): Middleware<AppState> {
  return async (ctx, next) => {
    if (/^100-continue$/i.test(ctx.get('Expect').trim()) && !continued.has(ctx.req) && !ctx.res.headersSent) {
      continued.add(ctx.req)
      ctx.res.writeContinue()
    }
    await parser(ctx, next)
  }
}
