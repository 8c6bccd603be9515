import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { NotImplementedError, type AppError, type ErrorReason } from '../errors.js'
import { errorBody } from './respond.js'

function rawResponse (status: number, message: string, reason: ErrorReason): string {
  const body = JSON.stringify(errorBody(status, message, reason))
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

function answer (socket: Duplex, err: AppError): void {
  socket.end(rawResponse(err.status, err.message, err.reason))
}

/** What Node's parser rejects before Koa sees the request, as Node's own default handler answers it. */
function clientErrorStatus (code: string | undefined): [number, string, ErrorReason] {
  switch (code) {
    case 'HPE_INVALID_METHOD': return [501, 'this HTTP method is not supported by this API: use GET, POST, PUT or DELETE', 'not_implemented']
    case 'HPE_HEADER_OVERFLOW': return [431, 'request headers too large', 'invalid_input']
    case 'ERR_HTTP_REQUEST_TIMEOUT': return [408, 'request timed out before it was complete', 'request_aborted']
    default: return [400, 'malformed HTTP request', 'invalid_input']
  }
}

/**
 * Requests Node answers without Koa get the envelope too: `CONNECT` (Node hands the raw socket to a
 * `connect` listener, or drops it when there is none) and requests its parser rejects, such as an
 * unknown method (`FOO /` is a 400 without a body by default; we say 501, as for TRACE).
 */
export function answerUnparsedRequests (server: Server): void {
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    answer(socket, new NotImplementedError(req.method ?? 'CONNECT'))
  })
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    // Node's default handler makes the same checks: nothing to say to a gone client, and a response
    // already under way must not be interleaved with a second one.
    const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
    if (err.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy()
      return
    }
    const [status, message, reason] = clientErrorStatus(err.code)
    socket.end(rawResponse(status, message, reason))
  })
}
