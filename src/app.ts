import Koa from 'koa'
import { accessLog } from './http/middleware/access-log.js'
import { jsonBody, METHODS_WITH_BODY } from './http/middleware/body.js'
import { mediaBody, type MultipartOptions } from './http/middleware/multipart.js'
import { errorHandler } from './http/middleware/error-handler.js'
import { requestId } from './http/middleware/request-id.js'
import { unmatched } from './http/middleware/unmatched.js'
import { buildRouter, type RouteDeps } from './http/routes/index.js'
import type { AppState } from './http/state.js'
import type { Logger } from './util/logger.js'

export interface AppDeps extends Omit<RouteDeps, 'parsers'> {
  logger: Logger
  bodyLimitBytes: number
  /** Multipart uploads of the media routes: where they are stored and the largest accepted. */
  upload: MultipartOptions
}

/** Builds the Koa app from its dependencies. It never listens: `server.ts` does. */
export function createApp (deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false })
  app.silent = true
  const json = jsonBody(deps.bodyLimitBytes)
  const jsonGet = jsonBody(deps.bodyLimitBytes, new Set([...METHODS_WITH_BODY, 'GET']))
  const router = buildRouter({ ...deps, parsers: { json, jsonGet, media: mediaBody(json, { ...deps.upload, bodyLimitBytes: deps.bodyLimitBytes }) } })
  app.use(requestId())
  app.use(accessLog(deps.logger))
  app.use(errorHandler(deps.logger, deps.bodyLimitBytes))
  app.use(unmatched())
  app.use(router.routes())
  app.use(router.allowedMethods())
  return app
}
