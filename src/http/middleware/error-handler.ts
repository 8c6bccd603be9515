import type { Middleware } from 'koa'
import { AppError, PayloadTooLargeError } from '../../errors.js'
import { toAppError } from '../../services/failures.js'
import type { Logger } from '../../util/logger.js'
import { errorBody } from '../respond.js'
import type { AppState } from '../state.js'

interface HttpLikeError { name?: string, status?: number, statusCode?: number, expose?: boolean, type?: string, message?: string }

/** koa-bodyparser (raw-body, co-body) errors, recognised by their `type`. */
function fromLibrary (err: HttpLikeError, bodyLimit: number): AppError | undefined {
  if (err.type === 'entity.too.large') return new PayloadTooLargeError(bodyLimit)
  const status = err.status ?? err.statusCode
  if (err.type === 'entity.parse.failed' || (err.name === 'SyntaxError' && status === 400)) {
    return new AppError(400, `could not decode Payload: malformed JSON (${err.message ?? 'parse error'})`, {}, 'malformed_body')
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return new AppError(415, err.message ?? 'unsupported encoding', {}, 'unsupported_encoding')
  if (err.type === 'request.aborted') return new AppError(400, 'request aborted by the client', {}, 'request_aborted')
  if (status !== undefined && status >= 400 && status < 500 && err.expose === true) return new AppError(status, err.message ?? 'bad request')
  return undefined
}

/**
 * The first middleware: turns every error into the wuzapi envelope. Known failures keep their
 * message and reason (upstream ones, 502/504, are logged as warnings); anything else is logged with
 * the request id and answered with a generic 500.
 */
export function errorHandler (logger: Logger, bodyLimit: number): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next()
    } catch (caught) {
      const known = toAppError(caught) ?? fromLibrary(caught as HttpLikeError, bodyLimit)
      if (known !== undefined && known.reason !== 'internal') {
        if (known.status >= 502) logger.warn({ reqId: ctx.state.requestId, err: caught, method: ctx.method, path: ctx.path, reason: known.reason }, 'upstream failure')
        ctx.status = known.status
        ctx.body = errorBody(known.status, known.message, known.reason, known.extra)
        return
      }
      const status = known?.status ?? 500
      logger.error({ reqId: ctx.state.requestId, err: caught, method: ctx.method, path: ctx.path }, 'request failed')
      ctx.status = status
      ctx.body = errorBody(status, `internal server error (request id ${ctx.state.requestId})`, 'internal')
    }
  }
}
