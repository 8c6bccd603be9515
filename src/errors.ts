/**
 * The error catalogue. Every failure a client can see is one of these; the error middleware maps
 * them to the wuzapi envelope `{"code":N,"error":"...","success":false}` plus `reason`, a stable
 * machine-readable name clients can switch on (the message is for people and may change).
 */

/** Every `reason` the API answers with. Names are stable: add new ones, never rename. */
export const ERROR_REASONS = [
  'invalid_input',
  'malformed_body',
  'undecodable_body',
  'request_aborted',
  'unauthorized',
  'forbidden',
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'conflict',
  'not_connected',
  'not_synced',
  'payload_too_large',
  'unsupported_media_type',
  'unsupported_encoding',
  'internal',
  'not_implemented',
  'refused',
  'whatsapp_error',
  'no_ack',
  'upstream_timeout',
  // The sandbox's "no such thing" kinds (src/sandbox/errors.ts), answered as 404s.
  'unknown_number',
  'unknown_recipient',
  'unknown_group',
  'unknown_target',
  'no_pairing_request',
  'no_qr_client',
  'invalid_qr',
  'pairing_aborted',
  'unknown_media',
  // Limits (issue 12): too many requests for a token; too many large media requests at once.
  'rate_limited',
  'busy'
] as const

export type ErrorReason = typeof ERROR_REASONS[number]

/** The reason an error gets when its constructor names none: the generic one for its status. */
export function defaultReason (status: number): ErrorReason {
  switch (status) {
    case 400: return 'invalid_input'
    case 401: return 'unauthorized'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 405: return 'method_not_allowed'
    case 409: return 'conflict'
    case 413: return 'payload_too_large'
    case 415: return 'unsupported_media_type'
    case 429: return 'rate_limited'
    case 501: return 'not_implemented'
    case 502: return 'whatsapp_error'
    case 504: return 'upstream_timeout'
    default: return status < 500 ? 'invalid_input' : 'internal'
  }
}

/**
 * A failure with an HTTP status, a message written for the client and a stable `reason`. Its
 * message is shown for every status except the generic `internal` 500.
 */
export class AppError extends Error {
  /** Extra top-level envelope fields (wuzapi's admin routes add `details`; session errors add `state`). */
  readonly extra: Readonly<Record<string, unknown>>

  constructor (
    readonly status: number,
    message: string,
    extra: Record<string, unknown> = {},
    readonly reason: ErrorReason = defaultReason(status)
  ) {
    super(message)
    this.name = new.target.name
    this.extra = extra
  }
}

/** 400: the request body or a parameter is wrong; the message names the field. */
export class ValidationError extends AppError {
  constructor (message: string, extra?: Record<string, unknown>) { super(400, message, extra, 'invalid_input') }
}

/** 401: missing, unknown or expired credentials. */
export class UnauthorizedError extends AppError {
  constructor (message = 'unauthorized') { super(401, message, {}, 'unauthorized') }
}

/** 404: an unknown resource (`reason` may be more specific, e.g. a sandbox kind). */
export class NotFoundError extends AppError {
  constructor (message: string, extra?: Record<string, unknown>, reason: ErrorReason = 'not_found') { super(404, message, extra, reason) }
}

/** 404: no route has this path. */
export class RouteNotFoundError extends AppError {
  constructor (method: string, path: string) { super(404, `route not found: ${method} ${path}`, {}, 'route_not_found') }
}

/** 405: the route exists but not for this method. */
export class MethodNotAllowedError extends AppError {
  constructor (method: string, allowed: string) { super(405, `method ${method} not allowed here; allowed: ${allowed}`, {}, 'method_not_allowed') }
}

/** 501: a method no route implements (TRACE, PROPFIND, CONNECT, ...). */
export class NotImplementedError extends AppError {
  constructor (method: string) { super(501, `method ${method} is not supported by this API: use GET, POST, PUT or DELETE`, {}, 'not_implemented') }
}

/** 409: the request conflicts with existing state (e.g. a duplicate token). */
export class ConflictError extends AppError {
  constructor (message: string) { super(409, message, {}, 'conflict') }
}

/** 413: the body is larger than the configured limit. */
export class PayloadTooLargeError extends AppError {
  constructor (limitBytes: number) { super(413, `request body too large: the limit is ${limitBytes} bytes (BODY_LIMIT)`, {}, 'payload_too_large') }
}

/** 415: the body is not JSON. */
export class UnsupportedMediaTypeError extends AppError {
  constructor (type: string) { super(415, `unsupported content type "${type}": send application/json`, {}, 'unsupported_media_type') }
}

/** 415: a `Content-Encoding` the server cannot decode. */
export class UnsupportedEncodingError extends AppError {
  constructor (encoding: string, supported: readonly string[]) {
    super(415, `unsupported Content-Encoding "${encoding}": send the body as ${supported.join(', ')}`, {}, 'unsupported_encoding')
  }
}

/** 400: a compressed body that does not decompress. */
export class UndecodableBodyError extends AppError {
  constructor (encoding: string) { super(400, `could not decode Payload: the body could not be decompressed as ${encoding}`, {}, 'undecodable_body') }
}

/** 409: the user's WhatsApp session is not in a state that allows this call; `state` tells which it is in. */
export class SessionStateError extends AppError {
  constructor (message: string, state: string) { super(409, message, { state }, 'not_connected') }
}

/** 504: WhatsApp (or the sandbox) did not answer in time. */
export class UpstreamTimeoutError extends AppError {
  constructor (message: string) { super(504, message, {}, 'upstream_timeout') }
}

/** 429: the token used up its requests per minute (RATE_LIMIT_PER_MINUTE); `retry_after` is in seconds, as the `Retry-After` header. */
export class RateLimitedError extends AppError {
  constructor (limitPerMinute: number, retryAfterSeconds: number) {
    super(429, `too many requests: the limit is ${limitPerMinute} per minute for this token; retry in ${retryAfterSeconds} s`, { retry_after: retryAfterSeconds }, 'rate_limited')
  }
}

/** 503: too many large media requests are being handled at once (MEDIA_MAX_CONCURRENT); `retry_after` is in seconds, as the `Retry-After` header. */
export class MediaBusyError extends AppError {
  constructor (max: number, retryAfterSeconds: number) {
    super(503, `server busy: ${max} large media requests are already being handled (MEDIA_MAX_CONCURRENT); retry in ${retryAfterSeconds} s`, { retry_after: retryAfterSeconds }, 'busy')
  }
}
