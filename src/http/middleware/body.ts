import bodyParser from 'koa-bodyparser'
import type { Middleware } from 'koa'
import { UndecodableBodyError, UnsupportedEncodingError, UnsupportedMediaTypeError } from '../../errors.js'
import type { AppState } from '../state.js'

/** Only these carry a body we read; a body on GET, HEAD or OPTIONS is ignored, as HTTP says it has no meaning. */
export const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Types read as JSON. wuzapi decodes the body as JSON whatever its type, so form and text are tried too. */
export const JSON_TYPES = ['json', 'application/x-www-form-urlencoded', 'text/plain']
/** What the parser (inflation) decodes; `x-gzip` is gzip's old name (RFC 9110 8.4.1.3). */
const ENCODINGS: Readonly<Record<string, string>> = { identity: 'identity', gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' }

export function hasBody (headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
}

/** zlib and brotli stream errors carry a `code` (Z_DATA_ERROR, Z_BUF_ERROR, ERR__ERROR_FORMAT_...). */
export function isDecompressionError (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR') || code.startsWith('ERR_BROTLI'))
}

/**
 * Content codings are case-insensitive; the parser only knows lower-case names, so the header is
 * rewritten to the name it knows, or the request refused (415) when no decoder exists.
 */
export function normalizeEncoding (headers: Record<string, string | string[] | undefined>): string {
  const raw = headers['content-encoding']
  if (raw === undefined || raw === '') return 'identity'
  const given = String(raw).trim()
  const known = ENCODINGS[given.toLowerCase()]
  if (known === undefined) throw new UnsupportedEncodingError(given, Object.keys(ENCODINGS))
  headers['content-encoding'] = known
  return known
}

/**
 * JSON body parsing with the configured size limit (applied to the decompressed body). A body
 * without a type is read as JSON; a body of another type (multipart, XML...) is refused with 415.
 * Only `methods` have their body read (GET too for the few wuzapi routes whose clients send one).
 */
export function jsonBody (limitBytes: number, methods: ReadonlySet<string> = METHODS_WITH_BODY): Middleware<AppState> {
  const parse = bodyParser({ enableTypes: ['json'], extendTypes: { json: JSON_TYPES }, jsonLimit: `${limitBytes}b`, strict: true })
  const parsed = async (): Promise<void> => {}
  return async (ctx, next) => {
    if (!methods.has(ctx.method)) {
      await next()
      return
    }
    let encoding = 'identity'
    if (hasBody(ctx.headers)) {
      const type = ctx.request.type
      if (type === '') ctx.request.headers['content-type'] = 'application/json'
      else if (ctx.request.is(JSON_TYPES) === false) throw new UnsupportedMediaTypeError(type)
      encoding = normalizeEncoding(ctx.request.headers)
    }
    // Parsed apart from `next`, so only the body's own failures are read as decompression errors.
    try {
      await parse(ctx, parsed)
    } catch (err) {
      if (encoding !== 'identity' && isDecompressionError(err)) throw new UndecodableBodyError(encoding)
      throw err
    }
    await next()
  }
}
