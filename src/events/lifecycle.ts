import type { SessionEvent } from '../whatsapp/types.js'
import type { WebhookEvent } from './catalogue.js'

/** whatsmeow's `ConnectFailureLoggedOut`: the reason given for a logout that carries no code. */
const LOGGED_OUT = 401

/**
 * A session's lifecycle event as wuzapi's webhook event, or undefined for what wuzapi does not
 * send (state changes, user stops, messages and webhook events, which carry their own):
 * qr → `QR` ("code", `qrCodeBase64`), paired → `PairSuccess`, connected → `Connected`, disconnected →
 * `Disconnected`, logged_out → `LoggedOut`, a QR timeout → `QRTimeout` ("timeout"), a refused
 * connection → `ConnectFailure`.
 */
export function lifecycleEvent (event: SessionEvent): WebhookEvent | undefined {
  switch (event.type) {
    case 'qr':
      return { type: 'QR', event: 'code', extra: { qrCodeBase64: event.png } }
    case 'paired':
      return { type: 'PairSuccess', event: { ID: event.jid, LID: event.lid, BusinessName: '', Platform: event.platform } }
    case 'connected':
      return { type: 'Connected', event: {} }
    case 'disconnected':
      return { type: 'Disconnected', event: {} }
    case 'logged_out':
      return { type: 'LoggedOut', event: { OnConnect: false, Reason: event.code ?? LOGGED_OUT } }
    case 'stopped':
      if (event.cause === 'qr_timeout') return { type: 'QRTimeout', event: 'timeout' }
      if (event.cause === 'refused') return { type: 'ConnectFailure', event: { Reason: event.code ?? 0, Message: event.reason, Raw: null } }
      return undefined
    default:
      return undefined
  }
}
