import type { Middleware } from 'koa'
import { UNMATCHED_ROUTE, type MetricsService } from '../../services/metrics.js'
import type { AppState } from '../state.js'

/**
 * Counts every request by its route's path template (`/admin/users/:id`, never the raw URL, so ids
 * do not make new series) with its method, final status and latency. Runs outside the error
 * handler, so error answers are counted with the status the client got.
 */
export function requestMetrics (metrics: MetricsService): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute
      metrics.request(typeof matched === 'string' ? matched : UNMATCHED_ROUTE, ctx.method, ctx.status, seconds)
    }
  }
}
