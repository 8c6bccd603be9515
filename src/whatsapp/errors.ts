/** Why a send did not get the server's acceptance. */
export type SendFailure = 'not_connected' | 'no_ack' | 'refused'

/**
 * A send that WhatsApp's server did not accept: the session was not connected (`state` says what it
 * was), no `<ack>` came in time (`messageId` may still be delivered), or the server refused it
 * (`serverCode`, the ack's error attribute).
 */
export class SendError extends Error {
  constructor (
    message: string,
    readonly reason: SendFailure,
    readonly details: { state?: string, messageId?: string, serverCode?: string } = {}
  ) {
    super(message)
    this.name = 'SendError'
  }
}

/**
 * A WhatsApp call (query, IQ, connection) that failed: Baileys' Boom error turned into our own type
 * at the `whatsapp/` boundary, keeping its status code (408 timed out, 428 connection closed, ...).
 */
export class WhatsAppError extends Error {
  constructor (message: string, readonly statusCode: number | undefined) {
    super(message)
    this.name = 'WhatsAppError'
  }
}

/** The status code of a Boom error (Baileys' `output.statusCode`), if `err` is one. */
export function boomStatus (err: unknown): number | undefined {
  const code = (err as { output?: { statusCode?: unknown } } | null | undefined)?.output?.statusCode
  return typeof code === 'number' ? code : undefined
}

/**
 * An app-state change (archive, pin, mute...) asked for before the phone shared its app-state sync
 * keys with this device, which it does shortly after linking (Baileys: "App state key not present!").
 */
export class AppStateKeyMissingError extends WhatsAppError {
  constructor (message: string) {
    super(message, 400)
    this.name = 'AppStateKeyMissingError'
  }
}

/** Turns Baileys' Boom errors into {@link WhatsAppError}s; anything else is returned as it is. */
export function fromBaileys (err: unknown): unknown {
  const status = boomStatus(err)
  if (status === undefined || err instanceof WhatsAppError) return err
  const message = (err as Error).message
  if (status === 400 && /app state key not present/i.test(message)) return new AppStateKeyMissingError(message)
  return new WhatsAppError(message, status)
}

/** A session was asked for a user that does not exist (deleted meanwhile): no session is created for it. */
export class UnknownUserError extends Error {
  constructor (readonly userId: string) {
    super('user not found')
    this.name = 'UnknownUserError'
  }
}
