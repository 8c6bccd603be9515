import bodyParser from 'koa-bodyparser'
import type { Middleware } from 'koa'
import { UnsupportedMediaTypeError } from '../../errors.js'
import type { AppState } from '../state.js'

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Types read as JSON. wuzapi decodes the body as JSON whatever its type, so form and text are tried too. */
const JSON_TYPES = ['json', 'application/x-www-form-urlencoded', 'text/plain']

function hasBody (headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
}

/**
 * JSON body parsing with the configured size limit. A body without a type is read as JSON; a body of
 * another type (multipart, XML...) is refused with 415.
 */
export function jsonBody (limitBytes: number): Middleware<AppState> {
  const parse = bodyParser({ enableTypes: ['json'], extendTypes: { json: JSON_TYPES }, jsonLimit: `${limitBytes}b`, strict: true })
  return async (ctx, next) => {
    if (METHODS_WITH_BODY.has(ctx.method) && hasBody(ctx.headers)) {
      const type = ctx.request.type
      if (type === '') ctx.request.headers['content-type'] = 'application/json'
      else if (ctx.request.is(JSON_TYPES) === false) throw new UnsupportedMediaTypeError(type)
    }
    await parse(ctx, next)
  }
}
