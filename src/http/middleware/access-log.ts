import type { Middleware } from 'koa'
import type { Logger } from '../../util/logger.js'
import type { AppState } from '../state.js'

/** One log line per request: method, path (never the query, which may carry a token), status, duration. */
export function accessLog (logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      logger.info({ reqId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, user: ctx.state.user?.id }, 'request')
    }
  }
}
