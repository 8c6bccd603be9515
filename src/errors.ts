/**
 * The error catalogue. Every failure a client can cause is one of these; the error middleware
 * maps them to the wuzapi envelope `{"code":N,"error":"...","success":false}`.
 * 4xx messages are shown to the client; anything else becomes a generic 500.
 */
export class AppError extends Error {
  /** Extra top-level envelope fields (wuzapi's admin routes add `details`). */
  readonly extra: Readonly<Record<string, unknown>>

  constructor (readonly status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message)
    this.name = new.target.name
    this.extra = extra
  }
}

/** 400: the request body or a parameter is wrong; the message names the field. */
export class ValidationError extends AppError {
  constructor (message: string, extra?: Record<string, unknown>) { super(400, message, extra) }
}

/** 401: missing, unknown or expired credentials. */
export class UnauthorizedError extends AppError {
  constructor (message = 'unauthorized') { super(401, message) }
}

/** 404: an unknown route or resource. */
export class NotFoundError extends AppError {
  constructor (message: string, extra?: Record<string, unknown>) { super(404, message, extra) }
}

/** 405: the route exists but not for this method. */
export class MethodNotAllowedError extends AppError {
  constructor (method: string, allowed: string) { super(405, `method ${method} not allowed here; allowed: ${allowed}`) }
}

/** 409: the request conflicts with existing state (e.g. a duplicate token). */
export class ConflictError extends AppError {
  constructor (message: string) { super(409, message) }
}

/** 413: the body is larger than the configured limit. */
export class PayloadTooLargeError extends AppError {
  constructor (limitBytes: number) { super(413, `request body too large: the limit is ${limitBytes} bytes (BODY_LIMIT)`) }
}

/** 415: the body is not JSON. */
export class UnsupportedMediaTypeError extends AppError {
  constructor (type: string) { super(415, `unsupported content type "${type}": send application/json`) }
}

/** 409: the user's WhatsApp session is not in a state that allows this call; `state` tells which it is in. */
export class SessionStateError extends AppError {
  constructor (message: string, state: string) { super(409, message, { state }) }
}

/** 504: WhatsApp (or the sandbox) did not answer in time. */
export class UpstreamTimeoutError extends AppError {
  constructor (message: string) { super(504, message) }
}
