import Router from '@koa/router'
import type { HealthService } from '../../services/health.js'
import type { AppState } from '../state.js'

/** `GET /health`: no auth and, as in wuzapi, no envelope. 503 when the database does not answer. */
export function healthRouter (health: HealthService): Router<AppState> {
  const router = new Router<AppState>()
  router.get('/health', ctx => {
    const report = health.report()
    ctx.status = report.status === 'ok' ? 200 : 503
    ctx.body = report
  })
  return router
}
