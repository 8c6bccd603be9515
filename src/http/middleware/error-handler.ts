import type { Middleware } from 'koa'
import { AppError, PayloadTooLargeError } from '../../errors.js'
import type { Logger } from '../../util/logger.js'
import { errorBody } from '../respond.js'
import type { AppState } from '../state.js'

interface HttpLikeError { name?: string, status?: number, statusCode?: number, expose?: boolean, type?: string, message?: string }

function fromLibrary (err: HttpLikeError, bodyLimit: number): AppError | undefined {
  if (err.type === 'entity.too.large') return new PayloadTooLargeError(bodyLimit)
  const status = err.status ?? err.statusCode
  if (err.type === 'entity.parse.failed' || (err.name === 'SyntaxError' && status === 400)) {
    return new AppError(400, `could not decode Payload: malformed JSON (${err.message ?? 'parse error'})`)
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return new AppError(415, err.message ?? 'unsupported encoding')
  if (err.type === 'request.aborted') return new AppError(400, 'request aborted by the client')
  if (status !== undefined && status >= 400 && status < 500 && err.expose === true) return new AppError(status, err.message ?? 'bad request')
  return undefined
}

/**
 * The first middleware: turns every error into the wuzapi envelope. Client errors keep their message;
 * anything else is logged with the request id and answered with a generic 500.
 */
export function errorHandler (logger: Logger, bodyLimit: number): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next()
    } catch (caught) {
      const err = caught as HttpLikeError & Error
      const known = err instanceof AppError ? err : fromLibrary(err, bodyLimit)
      if (known !== undefined && known.status < 500) {
        ctx.status = known.status
        ctx.body = errorBody(known.status, known.message, known.extra)
        return
      }
      const status = known?.status ?? 500
      logger.error({ reqId: ctx.state.requestId, err: caught, method: ctx.method, path: ctx.path }, 'request failed')
      ctx.status = status
      ctx.body = errorBody(status, `internal server error (request id ${ctx.state.requestId})`)
    }
  }
}
