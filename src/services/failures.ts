import { AppError, NotFoundError, SessionStateError, UpstreamTimeoutError, type ErrorReason } from '../errors.js'
import { SandboxError, type SandboxErrorKind } from '../sandbox/errors.js'
import { AppStateKeyMissingError, fromBaileys, SendError, UnknownUserError, WhatsAppError } from '../whatsapp/errors.js'

/** Each sandbox kind is its own reason, so clients can tell an unknown number from an unknown group. */
const SANDBOX_REASONS: Record<SandboxErrorKind, ErrorReason> = {
  unknown_number: 'unknown_number',
  unknown_recipient: 'unknown_recipient',
  unknown_group: 'unknown_group',
  unknown_target: 'unknown_target',
  no_pairing_request: 'no_pairing_request',
  no_qr_client: 'no_qr_client',
  invalid_qr: 'invalid_qr',
  pairing_aborted: 'pairing_aborted',
  unknown_media: 'unknown_media'
}

function fromSend (err: SendError): AppError {
  switch (err.reason) {
    case 'not_connected':
      return new SessionStateError(err.message, err.details.state ?? 'disconnected')
    case 'no_ack':
      return new AppError(504, `WhatsApp did not acknowledge the message in time; it may still be delivered (Id ${err.details.messageId ?? 'unknown'})`,
        err.details.messageId === undefined ? {} : { Id: err.details.messageId }, 'no_ack')
    case 'refused':
      return new AppError(502, `WhatsApp refused the message (server code ${err.details.serverCode ?? 'unknown'})`,
        err.details.serverCode === undefined ? {} : { serverCode: err.details.serverCode }, 'refused')
  }
}

/**
 * WhatsApp's own status codes: 408 is its timeout, 428 a closed connection, 404 an unknown item,
 * 401/403 something this account may not do (e.g. not a group admin). Anything else is WhatsApp's
 * failure, not the client's: 502.
 */
function fromWhatsApp (err: WhatsAppError): AppError {
  if (err instanceof AppStateKeyMissingError) {
    return new AppError(409, 'the app-state keys are not synced yet: the phone shares them with a newly linked device shortly after it connects; try again in a few seconds', {}, 'not_synced')
  }
  switch (err.statusCode) {
    case 408: return new UpstreamTimeoutError(`WhatsApp did not answer in time (${err.message})`)
    case 428: return new AppError(409, `not connected: the connection to WhatsApp is closed (${err.message}); read /session/status`, {}, 'not_connected')
    case 404: return new NotFoundError(`WhatsApp does not know it: ${err.message}`)
    case 401:
    case 403: return new AppError(403, `WhatsApp does not allow this account to do that: ${err.message}`, {}, 'forbidden')
    default: return new AppError(502, `WhatsApp failed the request (${err.statusCode ?? 'no code'}: ${err.message})`, {}, 'whatsapp_error')
  }
}

/**
 * The one mapping of failures below the HTTP layer to client errors: our own {@link AppError}s,
 * send failures, WhatsApp (and raw Baileys Boom) errors and sandbox lookups. Anything else is
 * `undefined`: an unexpected failure the caller answers with a generic 500.
 */
export function toAppError (err: unknown): AppError | undefined {
  if (err instanceof AppError) return err
  if (err instanceof SendError) return fromSend(err)
  if (err instanceof SandboxError) {
    // a pairing the device walked away from is over, not missing
    if (err.kind === 'pairing_aborted') return new AppError(409, err.message, {}, SANDBOX_REASONS[err.kind])
    return new NotFoundError(err.message, {}, SANDBOX_REASONS[err.kind])
  }
  // the user was deleted while the call waited for its session's lock
  if (err instanceof UnknownUserError) return new NotFoundError('user not found')
  const wa = fromBaileys(err)
  if (wa instanceof WhatsAppError) return fromWhatsApp(wa)
  return undefined
}
