import Koa, { type Middleware } from 'koa'
import { accessLog } from './http/middleware/access-log.js'
import { jsonBody, METHODS_WITH_BODY } from './http/middleware/body.js'
import { mediaBody, type MultipartOptions } from './http/middleware/multipart.js'
import { errorHandler } from './http/middleware/error-handler.js'
import { requestId } from './http/middleware/request-id.js'
import { unmatched } from './http/middleware/unmatched.js'
import { mediaGate, rateLimit } from './http/middleware/limits.js'
import { requestMetrics } from './http/middleware/metrics.js'
import { continueBeforeBody } from './http/middleware/expect-continue.js'
import { ConcurrencyGate, RateLimiter } from './http/rate-limit.js'
import type { LimitsConfig } from './config.js'
import { buildRouter, type RouteDeps } from './http/routes/index.js'
import type { AppState } from './http/state.js'
import type { Logger } from './util/logger.js'

export interface AppDeps extends Omit<RouteDeps, 'parsers' | 'guards'> {
  logger: Logger
  bodyLimitBytes: number
  /** Multipart uploads of the media routes: where they are stored and the largest accepted. */
  upload: MultipartOptions
  /** Per-token request limits and the large-media concurrency cap. */
  limits: LimitsConfig
}

/** The rate limit after the auth checks (when RATE_LIMIT_PER_MINUTE is set) and the media gate before the media parser. */
function limitMounts (deps: AppDeps): { guards: NonNullable<RouteDeps['guards']>, gate: Middleware<AppState> } {
  const { limits, metrics } = deps
  const gate = mediaGate(new ConcurrencyGate(limits.mediaMaxConcurrent), limits.mediaLargeBytes, metrics)
  if (limits.perMinute === 0) return { guards: { user: [], admin: [] }, gate }
  const limiter = new RateLimiter(limits.perMinute)
  const user = rateLimit(limiter, state => 'user:' + (state.user?.id ?? ''), metrics)
  return { guards: { user: [user], admin: limits.admin ? [rateLimit(limiter, () => 'admin', metrics)] : [] }, gate }
}

/** Builds the Koa app from its dependencies. It never listens: `server.ts` does. */
export function createApp (deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false })
  app.silent = true
  const json = jsonBody(deps.bodyLimitBytes)
  const jsonGet = jsonBody(deps.bodyLimitBytes, new Set([...METHODS_WITH_BODY, 'GET']))
  const media = mediaBody(json, { ...deps.upload, bodyLimitBytes: deps.bodyLimitBytes })
  const { guards, gate } = limitMounts(deps)
  const gated = (field: string | undefined): Middleware<AppState> => {
    const parse = continueBeforeBody(media(field))
    return async (ctx, next) => { await gate(ctx, async () => { await parse(ctx, next) }) }
  }
  const router = buildRouter({ ...deps, guards, parsers: { json: continueBeforeBody(json), jsonGet: continueBeforeBody(jsonGet), media: gated } })
  app.use(requestId())
  app.use(accessLog(deps.logger))
  app.use(requestMetrics(deps.metrics))
  app.use(errorHandler(deps.logger, deps.bodyLimitBytes))
  app.use(unmatched())
  app.use(router.routes())
  app.use(router.allowedMethods())
  return app
}
